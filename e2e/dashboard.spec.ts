import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { signIn } from "./support";

// The admin's dashboard with real data (a camera's photos uploaded, processed and downloaded, and two uploads
// whose processing fails: FRAMEVAULT_FAULTS fails fault-always-* files, and the test stack opens the
// processing alert at two failures), an alert acknowledged in the page, and every admin table fitting 1280 px
// and collapsing to cards at 390 px. Screenshots go to test-results/shots/.

const tag = randomUUID().slice(0, 6);
const camera = `e2e-cam-${tag}`;
const shots = path.resolve("test-results/shots");

test.describe.configure({ mode: "serial" });

const write = (page: Page) => ({ origin: new URL(page.url()).origin });

async function upload(page: Page, name: string, buffer: Buffer, cameraId?: string): Promise<string> {
  const res = await page.request.post("/api/v1/files/upload", {
    headers: write(page),
    multipart: { file: { name, mimeType: "image/png", buffer }, ...(cameraId ? { metadata: JSON.stringify({ cameraId }) } : {}) },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).fileId;
}

async function settled(page: Page, id: string): Promise<string> {
  let status = "processing";
  await expect.poll(async () => (status = (await (await page.request.get(`/api/v1/files/${id}`)).json()).status), { timeout: 150_000, intervals: [1000] }).not.toBe("processing");
  return status;
}

const png = (w: number, h: number, color: string) => sharp({ create: { width: w, height: h, channels: 3, background: color } }).png().toBuffer();

async function shoot(page: Page, name: string, fullPage = true) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, name), fullPage });
}

test("the admin lands on the dashboard: tiles and charts with data, and an alert acknowledged", async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Dashboard" })).toHaveAttribute("aria-current", "page");

  const ready = [await upload(page, `gate-${tag}.png`, await png(640, 480, "#2a7"), camera), await upload(page, `door-${tag}.png`, await png(320, 240, "#27a"), camera)];
  const failing = [await upload(page, `fault-always-dash-1-${tag}.png`, await png(12, 12, "#a27")), await upload(page, `fault-always-dash-2-${tag}.png`, await png(14, 14, "#a72"))];
  for (const id of ready) expect(await settled(page, id)).toBe("ready");
  const download = await page.request.get(`/api/v1/files/${ready[0]}/download`);
  expect(download.status()).toBe(200);
  for (const id of failing) expect(await settled(page, id)).toBe("failed");
  expect((await page.request.post("/api/v1/alerts/evaluate", { headers: write(page) })).status()).toBe(202);

  await page.reload();
  const tileValue = (name: string) => page.getByTestId(`tile-${name}`).locator(".tile-value");
  for (const tile of ["files", "uploads", "downloads", "jobs"]) await expect(tileValue(tile), tile).toHaveText(/^[1-9]/);
  // The last backup as the overview reports it (e2e/backups.spec.ts runs backups earlier in a full run), linking to its page.
  const { lastBackup } = await (await page.request.get("/api/v1/admin/overview")).json();
  await expect(page.getByTestId("tile-backup")).toContainText(lastBackup ? lastBackup.status : "No backups yet");
  await expect(page.getByTestId("tile-backup")).toHaveAttribute("href", "/admin/backups");
  for (const chart of ["storage-tiers", "storage-cameras", "activity", "durations", "errors"]) {
    await expect(page.getByTestId(`chart-${chart}`).locator("svg.recharts-surface").first(), chart).toBeVisible();
  }
  // Drawn with data: bars for this hour's uploads, and the largest cameras (the overview's own list: in a
  // full test run other specs' cameras may outweigh this one) in the storage chart's legend.
  await expect(page.getByTestId("chart-activity").locator(".recharts-bar-rectangle path").first()).toBeVisible();
  const overview = await (await page.request.get("/api/v1/admin/overview")).json();
  const legend = overview.storageHistory.cameras.names as string[];
  expect(legend.length).toBeGreaterThan(0);
  for (const name of legend) await expect(page.getByTestId("chart-storage-cameras")).toContainText(name);
  const cameraRow = page.getByTestId("camera-row").filter({ hasText: camera });
  await expect(cameraRow).toContainText("2");
  await expect(cameraRow).toContainText("$");

  const alert = page.locator('[data-testid="alert-item"][data-rule="processing-failures"]');
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(tileValue("alerts")).toHaveText(/^[1-9]/, { timeout: 45_000 });
  await shoot(page, "dashboard-1280.png");
  // As a phone opens it: the charts are drawn for the narrow width, and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(alert).toBeVisible();
  await expect(page.getByTestId("chart-activity").locator(".recharts-bar-rectangle path").first()).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
  await shoot(page, "dashboard-390.png");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.reload();

  await alert.getByRole("button", { name: /Acknowledge/ }).click();
  await expect(alert).toHaveAttribute("data-status", "acknowledged");
  await expect(alert.getByRole("button", { name: /Acknowledge/ })).toHaveCount(0);
  await shoot(page, "dashboard-acknowledged-1280.png");

  // Dealt with: the failed files go to the trash, so later specs start without this alert's failures.
  for (const id of failing) expect((await page.request.delete(`/api/v1/files/${id}`, { headers: write(page) })).status()).toBe(200);
});

test("every admin table fits 1280 px without scrolling sideways, and is one card per row at 390 px", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  const key = await page.request.post("/api/v1/api-keys", { headers: write(page), data: { name: `camera ${tag}`, scopes: ["files:read", "files:write"], cameraId: camera } });
  expect(key.status()).toBe(201);
  for (const [url, name] of [["/admin/jobs", "jobs"], ["/admin/users", "users"], ["/audit", "audit"], ["/settings/api-keys", "api-keys"], ["/admin", "dashboard-cameras"]] as const) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url);
    const table = page.locator(".data-table").first();
    await expect(table, url).toBeVisible({ timeout: 30_000 });
    const fit = await table.evaluate((t) => ({ table: t.scrollWidth, wrap: t.parentElement!.clientWidth, page: document.documentElement.scrollWidth, view: window.innerWidth }));
    expect(fit.table, `${url}: table within its container`).toBeLessThanOrEqual(fit.wrap);
    expect(fit.page, `${url}: no horizontal scroll`).toBeLessThanOrEqual(fit.view);
    if (name === "jobs") {
      // Every column in view, rows of a readable height.
      for (const header of ["File", "Kind", "Status", "Attempts", "Duration", "Last error", "Queued"]) await expect(page.getByRole("columnheader", { name: header })).toBeInViewport();
      const heights = await page.locator('[data-testid="job-row"]').evaluateAll((rows) => rows.slice(0, 20).map((r) => r.getBoundingClientRect().height));
      expect(Math.max(...heights)).toBeLessThan(100);
      await shoot(page, "jobs-1280.png");
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(table, url).toBeVisible({ timeout: 30_000 });
    const card = await table.evaluate((t) => ({
      head: getComputedStyle(t.querySelector("thead")!).display, row: getComputedStyle(t.querySelector("tbody tr")!).display, page: document.documentElement.scrollWidth,
    }));
    expect(card, url).toEqual({ head: "none", row: "block", page: 390 });
    if (name !== "dashboard-cameras") await shoot(page, `${name}-cards-390.png`);
  }
});

test("the API reference renders the OpenAPI document with Scalar, from this origin alone", async ({ page }) => {
  const elsewhere: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && url.protocol !== "data:" && url.protocol !== "blob:") elsewhere.push(req.url());
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);
  await page.goto("/docs/api");
  const reference = page.getByTestId("api-reference");
  await expect(reference.getByText("Upload a file (streamed to storage)").first()).toBeVisible({ timeout: 30_000 });
  await expect(reference.getByText("/api/v1/alerts/{id}/acknowledge").first()).toBeAttached();
  await page.waitForLoadState("networkidle");
  // The reference is some 20 000 px long: the first screen of it.
  await shoot(page, "api-reference-1280.png", false);
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "api-reference-390.png", false);
  expect(elsewhere).toEqual([]);
});
