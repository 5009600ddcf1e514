import { createHash, randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { signIn } from "./support";

// The file page: edit the details in place (keyboard included), upload a new version through Uppy, and
// restore the first one; screenshots of the edit form and the versions list at desktop and phone widths.

const tag = randomUUID().slice(0, 6);
const SHOTS = "test-results/shots";

test.describe.configure({ mode: "serial" });

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function shoot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  // A full-page shot of a scrolled page would paint the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("edit in place, upload a new version with Uppy, restore the first", async ({ page }) => {
  await signIn(page);
  const v1 = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#2a7" } }).jpeg().toBuffer();
  const v2 = await sharp({ create: { width: 480, height: 640, channels: 3, background: "#c52" } }).jpeg().toBuffer();
  const origin = new URL(page.url()).origin;
  const res = await page.request.post("/api/v1/files/upload", {
    headers: { origin },
    multipart: { file: { name: `e2e-door-${tag}.jpg`, mimeType: "image/jpeg", buffer: v1 }, tags: "door", metadata: JSON.stringify({ cameraId: "cam-1" }) },
  });
  expect(res.status()).toBe(201);
  const fileId = (await res.json()).fileId as string;

  await page.goto(`/files/${fileId}`);
  await expect(page.getByTestId("version-1")).toContainText("current", { timeout: 30_000 });
  await expect(page.getByTestId("version-1").getByRole("link", { name: "Download version 1" })).toBeVisible();

  // Escape leaves the form without saving.
  await page.getByTestId("edit-file").click();
  await expect(page.getByLabel("Filename")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("file-edit-form")).toHaveCount(0);

  await page.getByTestId("edit-file").click();
  const newName = `e2e-door-north-${tag}.jpg`;
  await page.getByLabel("Filename").fill(newName);
  await page.getByLabel("Tags").fill(`door, north-${tag}`);
  await page.getByLabel("Metadata (JSON)").fill('{"cameraId": "cam-2", ');
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("file-edit-form").getByRole("alert")).toContainText("Metadata is not valid JSON");
  await page.getByLabel("Metadata (JSON)").fill('{"cameraId": "cam-2", "note": "moved"}');
  await page.getByLabel("Filename").fill("bad/name.jpg");
  await page.getByLabel("Filename").press("Enter");
  await expect(page.getByTestId("file-edit-form").getByRole("alert")).toContainText("path");
  await page.getByLabel("Filename").fill(newName);
  await shoot(page, "file-page-edit");
  await page.getByLabel("Filename").press("Enter");
  await expect(page.getByTestId("file-edit-form")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: newName })).toBeVisible();
  await expect(page.getByText(`north-${tag}`, { exact: true })).toBeVisible();
  await expect(page.getByTestId("file-trail")).toContainText("Edited (filename, tags, metadata)");

  // A new version through Uppy: the same presigned flow, reserved for this file.
  await page.getByRole("button", { name: "Upload new version" }).click();
  await page.getByTestId("version-uploader").locator("input.uppy-Dashboard-input").first().setInputFiles({ name: "door-v2.jpg", mimeType: "image/jpeg", buffer: v2 });
  await shoot(page, "file-page-new-version");
  await page.getByRole("button", { name: /Upload 1 file/ }).click();
  await expect(page.getByTestId("version-2")).toContainText("current", { timeout: 60_000 });
  await expect(page.getByTestId("version-1")).not.toContainText("current");
  await expect(page.getByTestId("media-facts")).toContainText("480 × 640");

  // Restore v1, with confirmation: a third version, current, sharing v1's content.
  await page.getByRole("button", { name: "Restore version 1" }).click();
  await page.getByRole("button", { name: "Yes, restore" }).click();
  await expect(page.getByTestId("version-3")).toContainText("current");
  await expect(page.getByTestId("version-3")).toContainText("restored from v1");
  await expect(page.getByTestId("media-facts")).toContainText("640 × 480");
  const current = await page.request.get(`/api/v1/files/${fileId}/download?redirect=false`);
  expect(sha256(await current.body())).toBe(sha256(v1));
  const second = await page.request.get(`/api/v1/files/${fileId}/download?redirect=false&version=2`);
  expect(sha256(await second.body())).toBe(sha256(v2));
  await page.getByRole("button", { name: "Close uploader" }).click();
  await shoot(page, "file-page-versions");
});
