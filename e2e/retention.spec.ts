import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { fakeJpeg } from "../scripts/testing/fixtures";
import { navigate, signIn } from "./support";

const BASE = process.env.FRAMEVAULT_BASE_URL ?? "http://127.0.0.1:3000";
const write = { origin: BASE };
const shot = (name: string) => path.join("test-results", "shots", name);

async function shots(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: shot(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Uploads a small photo from `camera` through the API and returns its id. */
async function uploadFromCamera(page: Page, name: string, camera: string, size: number): Promise<string> {
  const res = await page.request.post("/api/v1/files/upload", {
    headers: write,
    multipart: { file: { name, mimeType: "image/jpeg", buffer: fakeJpeg(size) }, metadata: JSON.stringify({ cameraId: camera }) },
  });
  expect(res.status()).toBe(201);
  return (await res.json()).fileId;
}

/** Adds an enabled rule for `camera` on the Retention page (not saved). */
async function addCameraRule(page: Page, name: string, camera: string, days: number): Promise<void> {
  await page.getByRole("button", { name: "Add rule" }).click();
  const rule = page.getByTestId("retention-rule").last();
  await rule.getByRole("checkbox").check();
  await rule.getByLabel(/Name of rule/).fill(name);
  await rule.getByLabel("Camera", { exact: true }).fill(camera);
  await rule.getByLabel("Keep (days)").fill(String(days));
}

/** Files the simulator shows going to the trash on day 1 (no row for the day: none). */
async function dayOneTrash(page: Page): Promise<number> {
  const cell = page.getByTestId("simulator").locator('[data-testid="sim-day"][data-day="1"] td[data-label="To the trash"]');
  if ((await cell.count()) === 0) return 0;
  const text = (await cell.innerText()).trim();
  return text === "—" ? 0 : Number(text.replace(/[^\d]/g, ""));
}

test("an admin adds a camera retention rule, holds a file, runs retention, and the file page shows the hold", async ({ page }) => {
  await signIn(page);
  const camera = `e2e-cam-${Date.now().toString(36)}`;
  const fileId = await uploadFromCamera(page, "e2e-held.jpg", camera, 3000);

  await navigate(page, "Retention");
  await expect(page.getByRole("heading", { name: "Retention", level: 1 })).toBeVisible();
  await addCameraRule(page, "Gate camera: 7 days", camera, 7);
  await page.getByTestId("save-rules").click();
  await expect(page.getByText(/Saved \d+ rules?\./)).toBeVisible();

  // A hold on the file, through the form.
  await page.getByRole("combobox", { name: "What to hold" }).selectOption("fileId");
  await page.getByLabel("File id", { exact: true }).fill(fileId);
  await page.getByLabel("Reason", { exact: true }).fill("Incident report 17");
  await page.getByRole("button", { name: "Place hold" }).click();
  await expect(page.getByTestId("hold-row").filter({ hasText: fileId })).toContainText("Incident report 17");

  await page.getByTestId("run-now").click();
  await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await shots(page, "retention");

  await page.goto(`/files/${fileId}`);
  await expect(page.getByTestId("legal-hold-badge")).toBeVisible();
  await shots(page, "file-legal-hold");

  // Lift it again and remove the rule, so other specs see no retention.
  await page.goto("/admin/retention");
  const row = page.getByTestId("hold-row").filter({ hasText: fileId });
  await row.getByRole("button", { name: "Lift hold" }).click();
  await row.getByRole("button", { name: "Lift", exact: true }).click();
  await expect(page.getByTestId("hold-row").filter({ hasText: fileId })).toHaveCount(0);
  await page.getByRole("button", { name: "Remove rule Gate camera: 7 days" }).click();
  await page.getByTestId("save-rules").click();
  await expect(page.getByText(/Saved \d+ rules?\./)).toBeVisible();
});

test("an admin tries a draft retention rule in the simulator before saving it, and nothing is saved", async ({ page }) => {
  await signIn(page);
  const camera = `e2e-sim-${Date.now().toString(36)}`;
  const fileId = await uploadFromCamera(page, "e2e-sim.jpg", camera, 4000);

  await navigate(page, "Retention");
  await expect(page.getByTestId("simulator").getByText("No simulation yet")).toBeVisible();
  const saved = await page.getByTestId("retention-rule").count();
  // A draft: this camera's files kept one day, then trashed. Not saved.
  await addCameraRule(page, "Draft: one day", camera, 1);

  const simulator = page.getByTestId("simulator");
  await simulator.getByTestId("sim-days").fill("90");
  await expect(simulator.getByTestId("sim-use-draft")).toBeChecked();
  await simulator.getByTestId("sim-days").press("Enter");
  await expect(simulator.getByTestId("sim-result")).toBeVisible({ timeout: 60_000 });
  await expect(simulator.getByTestId("chart-simulation").locator(".recharts-bar-rectangle").first()).toBeVisible();
  // Day 1: the draft trashes the file; day 31: the trash purges it.
  await simulator.getByRole("button", { name: "Files", exact: true }).click();
  const day1 = simulator.locator('[data-testid="sim-day"][data-day="1"]');
  await expect(day1).toBeVisible();
  await expect(day1.locator('td[data-label="To the trash"]')).not.toHaveText("—");
  const withDraft = await dayOneTrash(page);
  await expect(simulator.locator('[data-testid="sim-day"][data-day="31"] td[data-label="Purged"]')).not.toHaveText("—");
  await expect(simulator.getByTestId("cost-row").filter({ hasText: "Total" })).toBeVisible();
  await simulator.getByRole("button", { name: "Bytes", exact: true }).click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shots(page, "retention-simulator");

  // The same with the saved rules: the draft's file is no longer trashed on day 1 (other files, from other specs'
  // saved rules, may still be).
  await simulator.getByLabel("Saved rules").check();
  await simulator.getByTestId("sim-run").click();
  await expect(simulator.getByText(/retention rules saved/)).toBeVisible({ timeout: 60_000 });
  await simulator.getByRole("button", { name: "Files", exact: true }).click();
  expect(await dayOneTrash(page)).toBe(withDraft - 1);

  // Nothing was saved or moved: the rules are as they were and the file is still live.
  await page.reload();
  await expect(page.getByTestId("retention-rule")).toHaveCount(saved);
  const file = await page.request.get(`/api/v1/files/${fileId}`);
  expect(file.status()).toBe(200);
  const lifecycle = await (await page.request.get(`/api/v1/files/${fileId}/lifecycle`)).json();
  expect(lifecycle.retention.rule?.scopeValue ?? null).not.toBe(camera);
  await page.goto(`/files/${fileId}`);
  await expect(page.getByTestId("file-lifecycle")).toBeVisible();
  await shots(page, "file-lifecycle");
});
