import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { fakeJpeg } from "../scripts/testing/fixtures";
import { navigate, signIn } from "./support";

const BASE = process.env.FRAMEVAULT_BASE_URL ?? "http://127.0.0.1:3000";
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
// Kept after the run (Playwright clears test-results/ only when the next run starts).
const shot = (name: string) => path.join("test-results", "shots", name);

/** API calls with the page's session cookie; writes carry the app's Origin like the UI's own requests. */
const write = { origin: BASE };

async function uploadReady(page: Page, name: string, bytes: Buffer): Promise<string> {
  const res = await page.request.post("/api/v1/files/upload", { headers: write, multipart: { file: { name, mimeType: "image/jpeg", buffer: bytes } } });
  expect(res.status()).toBe(201);
  const { fileId } = await res.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/files/${fileId}`)).json()).status, { timeout: 60_000 }).toBe("ready");
  return fileId;
}

async function trash(page: Page, fileId: string) {
  expect((await page.request.delete(`/api/v1/files/${fileId}`, { headers: write })).status()).toBe(200);
}

test.describe.configure({ mode: "serial" });

const tag = randomUUID().slice(0, 6);
const user = { email: `trash-${tag}@e2e.framevault.local`, password: `pw-${randomUUID()}` };

test("a user restores one file from the trash, deletes another forever, and empties the rest", async ({ page }) => {
  await signIn(page);
  const created = await page.request.post("/api/v1/users", { headers: write, data: { email: user.email, password: user.password, name: "Trash tester", role: "user" } });
  expect(created.status()).toBe(201);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, user);

  await navigate(page, "Trash");
  await expect(page).toHaveURL(/\/trash$/);
  await expect(page.getByRole("heading", { name: "The trash is empty" })).toBeVisible();
  await page.screenshot({ path: shot("trash-empty-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot("trash-empty-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  const keep = fakeJpeg(30_000);
  const kept = await uploadReady(page, "entrance-keep.jpg", keep);
  const gone = await uploadReady(page, "entrance-gone.jpg", fakeJpeg(20_000));
  const rest = await uploadReady(page, "lobby-rest.jpg", fakeJpeg(10_000));
  for (const id of [rest, gone, kept]) await trash(page, id);

  await page.reload();
  const items = page.getByTestId("trash-item");
  await expect(items).toHaveCount(3);
  await expect(page.getByTestId("trash-count")).toHaveText("3 files in the trash");
  await expect(items.first()).toContainText("Purged in 30 days");
  await page.screenshot({ path: shot("trash-items-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot("trash-items-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Restore: back in the files, downloadable bit-identical.
  await page.locator('[data-filename="entrance-keep.jpg"]').getByTestId("restore").click();
  await expect(page.getByRole("status").filter({ hasText: "was restored" })).toBeVisible();
  await expect(page.locator('[data-filename="entrance-keep.jpg"]')).toHaveCount(0);
  const download = await page.request.get(`/api/v1/files/${kept}/download`);
  expect(download.status()).toBe(200);
  expect(sha256(await download.body())).toBe(sha256(keep));

  // Delete forever asks first; Cancel keeps it, the confirmation purges it.
  const doomed = page.locator('[data-filename="entrance-gone.jpg"]');
  await doomed.getByTestId("purge").click();
  await doomed.getByRole("button", { name: "Cancel" }).click();
  await expect(doomed).toHaveCount(1);
  await doomed.getByTestId("purge").click();
  await expect(doomed.getByTestId("purge-confirm")).toBeFocused();
  await page.screenshot({ path: shot("trash-confirm-desktop.png") });
  await doomed.getByTestId("purge-confirm").click();
  await expect(page.getByRole("status").filter({ hasText: "deleted permanently" })).toBeVisible();
  await expect(doomed).toHaveCount(0);
  expect((await page.request.get(`/api/v1/files/${gone}`)).status()).toBe(404);
  expect((await page.request.post(`/api/v1/files/${gone}/restore`, { headers: write })).status()).toBe(404);

  // Empty trash takes what is left.
  await expect(items).toHaveCount(1);
  await page.getByTestId("empty-trash").click();
  await page.getByTestId("empty-trash-confirm").click();
  await expect(page.getByRole("heading", { name: "The trash is empty" })).toBeVisible();
  expect((await page.request.post(`/api/v1/files/${rest}/restore`, { headers: write })).status()).toBe(404);

  await page.getByRole("link", { name: "Files", exact: true }).click();
  await expect(page.getByTestId("file-card")).toHaveCount(1);
  await expect(page.locator('[data-filename="entrance-keep.jpg"]')).toBeVisible();
});

test("an admin sees every owner's trash and narrows it to one owner", async ({ page }) => {
  await signIn(page, user);
  const fileId = await uploadReady(page, "admin-sees.jpg", fakeJpeg(5000));
  await trash(page, fileId);
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page);
  await navigate(page, "Trash");
  await expect(page.locator('[data-filename="admin-sees.jpg"]')).toContainText(user.email);
  await page.getByLabel("Owner").selectOption({ label: user.email });
  await expect(page.getByTestId("trash-item")).toHaveCount(1);
  await expect(page.getByTestId("trash-count")).toHaveText("1 file in the trash");
  await page.screenshot({ path: shot("trash-admin-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot("trash-admin-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('[data-filename="admin-sees.jpg"]').getByTestId("restore").click();
  await expect(page.getByRole("heading", { name: "The trash is empty" })).toBeVisible();
});
