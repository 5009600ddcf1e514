import { createHash, randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { fakeJpeg } from "../scripts/testing/fixtures";
import { navigate, signIn } from "./support";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test.describe.configure({ mode: "serial" });

const tag = randomUUID().slice(0, 6);
const owner = { email: `owner-${tag}@e2e.framevault.local`, password: `pw-${randomUUID()}` };
const stranger = { email: `stranger-${tag}@e2e.framevault.local`, password: `pw-${randomUUID()}` };
let bigFileUrl = "";

test("admin signs in and creates users", async ({ page }) => {
  await signIn(page);
  await navigate(page, "Users");
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  for (const u of [owner, stranger]) {
    await page.getByLabel("Email").fill(u.email);
    await page.getByLabel("Name").fill(u.email.split("@")[0]);
    await page.getByLabel("Password").fill(u.password);
    await page.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByRole("status").filter({ hasText: `Created ${u.email}` })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: u.email })).toHaveCount(1);
  }
});

test("a user uploads, browses, downloads and deletes; another user cannot see or fetch the files", async ({ page }, testInfo) => {
  const bigPath = testInfo.outputPath("camera-clip-still.jpg");
  const big = fakeJpeg(12 * 1024 * 1024);
  await writeFile(bigPath, big);
  const smallPath = testInfo.outputPath("lobby-snapshot.png");
  const small = await sharp({ create: { width: 480, height: 320, channels: 3, background: { r: 40, g: 90, b: 200 } } }).png().toBuffer();
  await writeFile(smallPath, small);

  await signIn(page, owner);
  await page.getByRole("link", { name: "Upload", exact: true }).click();
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles([bigPath, smallPath]);
  await page.getByRole("button", { name: /Upload 2 files/ }).click();
  const uploaded = page.getByTestId("uploaded-list");
  await expect(uploaded.getByRole("link")).toHaveCount(2, { timeout: 90_000 });

  await page.getByRole("link", { name: "Files", exact: true }).click();
  const cards = page.getByTestId("file-card");
  await expect(cards).toHaveCount(2);
  await expect(page.locator('[data-filename="lobby-snapshot.png"] [data-status="ready"]')).toBeVisible({ timeout: 30_000 });
  const bigCard = page.locator('[data-filename="camera-clip-still.jpg"]');
  await expect(bigCard.locator('[data-status="ready"]')).toBeVisible({ timeout: 30_000 });
  bigFileUrl = (await bigCard.getAttribute("href"))!;

  await page.locator('[data-filename="lobby-snapshot.png"]').click();
  await expect(page.getByRole("heading", { name: "lobby-snapshot.png" })).toBeVisible();
  await expect(page.getByTestId("image-viewer")).toBeVisible();
  expect(await page.getByTestId("image-viewer").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
  const downloadPromise = page.waitForEvent("download");
  await page.getByTestId("download").click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe("lobby-snapshot.png");
  expect(sha256(await readFile((await download.path())!))).toBe(sha256(small));

  const bigDownload = await page.request.get(`/api/v1/files/${bigFileUrl.split("/").pop()}/download`);
  expect(sha256(await bigDownload.body())).toBe(sha256(big));

  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page).toHaveURL(/\/files$/);
  await expect(page.getByTestId("file-card")).toHaveCount(1);
  await expect(page.locator('[data-filename="lobby-snapshot.png"]')).toHaveCount(0);
  await signOut(page);

  await signIn(page, stranger);
  await expect(page.getByRole("heading", { name: "No files yet" })).toBeVisible();
  await page.goto(bigFileUrl);
  await expect(page.getByRole("heading", { name: "File not found" })).toBeVisible();
  const fetched = await page.request.get(`/api/v1/files/${bigFileUrl.split("/").pop()}/download`);
  expect(fetched.status()).toBe(404);
});
