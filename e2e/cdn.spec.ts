// The admin CDN page (issue 11): a deleted file's edge paths show up as a completed invalidation, with the
// month's path count and cost; screenshots at desktop and 390 px.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fakeJpeg } from "../scripts/testing/fixtures";
import { navigate, signIn } from "./support";

const BASE = process.env.FRAMEVAULT_BASE_URL ?? "http://127.0.0.1:3000";
const shot = (name: string) => path.join("test-results", "shots", name);

test("admins see the invalidations a delete caused, with the month's paths and cost", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page);
  const up = await page.request.post("/api/v1/files/upload", { headers: { origin: BASE }, multipart: { file: { name: "cdn-e2e.jpg", mimeType: "image/jpeg", buffer: fakeJpeg(20_000) } } });
  expect(up.status()).toBe(201);
  const { fileId } = await up.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/files/${fileId}`)).json()).status, { timeout: 60_000 }).not.toBe("processing");
  expect((await page.request.delete(`/api/v1/files/${fileId}`, { headers: { origin: BASE } })).status()).toBe(200);

  await page.goto("/files");
  await navigate(page, "CDN");
  await expect(page).toHaveURL(/\/admin\/cdn$/);
  await expect(page.getByRole("heading", { name: "CDN", exact: true })).toBeVisible();
  // A batch may hold other files' paths too (it lists the first 5): look it up by path.
  await page.getByLabel("Edge path").fill(`/media/${fileId}/current`);
  const row = page.getByTestId("cdn-invalidation-row");
  await expect(row).toHaveCount(1, { timeout: 90_000 });
  await expect(row).toHaveAttribute("data-status", "completed", { timeout: 90_000 });
  await expect(page.getByTestId("cdn-month")).toContainText("nginx edge");
  expect(Number(await page.getByTestId("cdn-month-paths").textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId("cdn-month-cost")).toHaveText("$0.00");

  // The filters are buttons a keyboard reaches and presses.
  const completed = page.getByRole("button", { name: "Completed" });
  await completed.focus();
  await page.keyboard.press("Enter");
  await expect(completed).toHaveAttribute("aria-pressed", "true");
  await expect(row).toBeVisible();
  await page.screenshot({ path: shot("cdn-invalidations-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(row).toBeVisible();
  await page.screenshot({ path: shot("cdn-invalidations-390.png"), fullPage: true });
});
