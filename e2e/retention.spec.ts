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

test("an admin adds a camera retention rule, holds a file, runs retention, and the file page shows the hold", async ({ page }) => {
  await signIn(page);
  const camera = `e2e-cam-${Date.now().toString(36)}`;
  const res = await page.request.post("/api/v1/files/upload", {
    headers: write,
    multipart: { file: { name: "e2e-held.jpg", mimeType: "image/jpeg", buffer: fakeJpeg(3000) }, metadata: JSON.stringify({ cameraId: camera }) },
  });
  expect(res.status()).toBe(201);
  const { fileId } = await res.json();

  await navigate(page, "Retention");
  await expect(page.getByRole("heading", { name: "Retention", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Add rule" }).click();
  const rule = page.getByTestId("retention-rule").last();
  await rule.getByRole("checkbox").check();
  await rule.getByLabel(/Name of rule/).fill("Gate camera: 7 days");
  await rule.getByLabel("Camera", { exact: true }).fill(camera);
  await rule.getByLabel("Keep (days)").fill("7");
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
