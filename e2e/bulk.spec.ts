import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { signIn } from "./support";

// Bulk work in the grid: pick files with a click and a shift-click, tag them from the action bar, and see
// the tag on exactly those cards; then the filters (status, event, capture-time sort) and the trash view.

const run = randomUUID().slice(0, 6);
const user = { email: `bulk-${run}@e2e.framevault.local`, password: `pw-${randomUUID()}` };
const SHOTS = "test-results/shots";

test.describe.configure({ mode: "serial" });

/** The page at desktop width and at 390 px, from the top (a full-page shot keeps the scroll position's sticky header). */
async function shoot(page: Page, name: string) {
  for (const [width, height, suffix] of [[1280, 900, "desktop"], [390, 844, "390"]] as const) {
    await page.setViewportSize({ width, height });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/${name}-${suffix}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** page.request sends the page's cookies but no Origin; cookie writes need the app's own Origin. */
const origin = (page: Page) => ({ origin: new URL(page.url()).origin });

const names = Array.from({ length: 7 }, (_, i) => `yard-${run}-${i + 1}.png`);

test("a user picks files with click and shift-click and tags them in one go", async ({ page }) => {
  await signIn(page);
  const created = await page.request.post("/api/v1/users", { headers: origin(page), data: { ...user, name: "Bulk Tester", role: "user" } });
  expect(created.status()).toBe(201);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await signIn(page, user);
  const colours = ["#2a7", "#27a", "#a72", "#7a2", "#a27", "#72a", "#777"];
  const ids: string[] = [];
  for (const [i, name] of names.entries()) {
    const buffer = await sharp({ create: { width: 640, height: 480, channels: 3, background: colours[i] } }).png().toBuffer();
    const res = await page.request.post("/api/v1/files/upload", { headers: origin(page), multipart: { file: { name, mimeType: "image/png", buffer }, ...(i === 6 ? { tags: "night" } : {}) } });
    expect(res.status()).toBe(201);
    ids.push((await res.json()).fileId);
  }

  await page.goto("/files?sortBy=name&sortOrder=asc");
  const card = (n: number) => page.locator(`[data-filename="${names[n - 1]}"]`);
  await expect(page.getByTestId("file-card")).toHaveCount(7);
  for (const n of [1, 2, 3, 4, 5, 6, 7]) await expect(card(n).locator('[data-status="ready"]')).toBeVisible({ timeout: 30_000 });
  const check = (n: number) => page.getByRole("checkbox", { name: `Select ${names[n - 1]}` });

  // Click 2, shift-click 5: 2–5. Then a plain click on 7 adds it.
  await check(2).click();
  await check(5).click({ modifiers: ["Shift"] });
  await check(7).click();
  for (const n of [2, 3, 4, 5, 7]) await expect(check(n)).toBeChecked();
  for (const n of [1, 6]) await expect(check(n)).not.toBeChecked();
  const bar = page.getByTestId("bulk-bar");
  await expect(bar).toContainText("5 files selected");

  // From the keyboard: Space on 6 adds it, Space again takes it away.
  await check(6).focus();
  await page.keyboard.press("Space");
  await expect(check(6)).toBeChecked();
  await page.keyboard.press("Space");
  await expect(check(6)).not.toBeChecked();

  await shoot(page, "files-bulk-selection");

  const tag = `counted-${run}`;
  await bar.getByLabel("Tag").fill(tag);
  await bar.getByRole("button", { name: "Add tag" }).click();
  await expect(bar.locator(".alert")).toContainText("Tagged 5 files.");
  for (const n of [2, 3, 4, 5, 7]) await expect(card(n).getByTestId("file-tags")).toContainText(tag);
  for (const n of [1, 6]) await expect(card(n)).not.toContainText(tag);
  await expect(card(7).getByTestId("file-tags")).toContainText("night");
  await shoot(page, "files-bulk-tagged");

  // One of the five goes to the trash behind the page's back: the next action names it as failed, alone.
  expect((await page.request.delete(`/api/v1/files/${ids[6]}`, { headers: origin(page) })).status()).toBe(200);
  await bar.getByLabel("Category").fill("yard");
  await bar.getByRole("button", { name: "Set category" }).click();
  await expect(bar.locator(".alert")).toContainText("Set the category of 4 files; 1 failed:");
  await expect(bar.locator(".bulk-failures")).toHaveText(`${names[6]}: File not found.`);
  await shoot(page, "files-bulk-errors");
  const restored = await page.request.post("/api/v1/files/bulk", { headers: origin(page), data: { action: "restore", ids: [ids[6]] } });
  expect((await restored.json()).succeeded).toBe(1);

  // The tag filter finds exactly those five.
  await page.goto(`/files?tags=${tag}`);
  await expect(page.getByTestId("file-card")).toHaveCount(5);
});

test("filters: status including the trash, event, and sort by capture time", async ({ page }) => {
  await signIn(page, user);
  await page.goto("/files?sortBy=name&sortOrder=asc");
  const check = (n: number) => page.getByRole("checkbox", { name: `Select ${names[n - 1]}` });
  // From the keyboard only: Space on 1, Shift+Space on 3 selects 1–3, Space on 3 takes 3 away again.
  await check(1).focus();
  await page.keyboard.press("Space");
  await check(3).focus();
  await page.keyboard.press("Shift+Space");
  for (const n of [1, 2, 3]) await expect(check(n)).toBeChecked();
  await page.keyboard.press("Space");
  await expect(check(3)).not.toBeChecked();
  for (const n of [1, 2]) await expect(check(n)).toBeChecked();
  await expect(check(4)).not.toBeChecked();
  const bar = page.getByTestId("bulk-bar");
  await expect(bar).toContainText("2 files selected");
  await bar.getByRole("button", { name: "Move to trash" }).click();
  await bar.getByRole("button", { name: "Yes, move" }).click();
  // The selection is gone with the files; the report stays until dismissed.
  await expect(bar.locator(".alert")).toContainText("Moved 2 files to the trash.");
  await expect(bar.getByRole("button", { name: "Move to trash" })).toHaveCount(0);
  await bar.getByRole("button", { name: "Dismiss" }).click();
  await expect(bar).toHaveCount(0);
  await expect(page.getByTestId("file-card")).toHaveCount(5);

  await page.getByLabel("Status").selectOption("trashed");
  await expect(page).toHaveURL(/status=trashed/);
  await expect(page.getByTestId("file-card")).toHaveCount(2);
  await page.getByLabel("Sort").selectOption("capturedAt:desc");
  await expect(page).toHaveURL(/sortBy=capturedAt/);
  await page.getByLabel("Event").fill("count-2026-0042");
  await page.getByLabel("Event").press("Enter");
  await expect(page).toHaveURL(/eventId=count-2026-0042/);
  await shoot(page, "files-filters");

  // Back without the event filter: restore both from the trash view.
  await page.goto("/files?status=trashed");
  await page.getByLabel("Select all on this page").check();
  await page.getByTestId("bulk-bar").getByRole("button", { name: "Restore" }).click();
  await expect(page.getByTestId("bulk-bar").locator(".alert")).toContainText("Restored 2 files.");
  await expect(page.getByText("No files match these filters")).toBeVisible();
  await page.getByLabel("Status").selectOption("");
  await expect(page.getByTestId("file-card")).toHaveCount(7);
});
