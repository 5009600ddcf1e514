import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { expect, test, type Request } from "@playwright/test";
import { BUCKET, testS3 } from "../scripts/testing/backends";
import { newUser } from "../scripts/testing/client";
import { fakeJpeg } from "../scripts/testing/fixtures";

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const isPartPut = (r: Request) => r.method() === "PUT" && new URL(r.url()).searchParams.has("partNumber");
const SHOTS = "test-results/shots";

test("a 30 MiB upload interrupted by a reload resumes from the parts in storage when the file is added again", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const user = await newUser();
  const path = testInfo.outputPath("night-shift-30mib.jpg");
  const bytes = fakeJpeg(30 * MiB);
  await writeFile(path, bytes);
  const totalParts = 6;

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toHaveText(user.email);
  await page.goto("/upload");

  // First page: parts 1–3 reach storage; every later part is held until the page goes away, so the
  // interruption falls at half the file whatever the timing.
  let release: () => void = () => {};
  const interrupted = new Promise<void>((r) => (release = r));
  await page.route((url) => url.searchParams.has("partNumber"), async (route) => {
    if (route.request().method() !== "PUT" || Number(new URL(route.request().url()).searchParams.get("partNumber")) <= 3) return route.continue();
    await interrupted;
    await route.abort().catch(() => {});
  });
  let storedFirst = 0;
  page.on("requestfinished", async (r) => {
    if (isPartPut(r) && (await r.response())?.status() === 200) storedFirst++;
  });
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles([path]);
  await page.getByRole("button", { name: /Upload 1 file/ }).click();
  await expect.poll(() => storedFirst, { timeout: 90_000 }).toBe(3);
  // The reload cuts off the held parts; only then are the holds let go (their requests are gone by then).
  page.removeAllListeners("requestfinished");
  await page.reload();
  await page.unrouteAll({ behavior: "ignoreErrors" });
  release();

  // The reloaded page knows an upload was interrupted.
  const notice = page.getByTestId("interrupted-uploads");
  await expect(notice).toContainText("night-shift-30mib.jpg");
  await page.screenshot({ path: `${SHOTS}/upload-interrupted.png`, fullPage: true });

  const partsSent: number[] = [];
  page.on("request", (r) => {
    if (isPartPut(r)) partsSent.push(Number(new URL(r.url()).searchParams.get("partNumber")));
  });
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles([path]);
  await page.getByRole("button", { name: /Upload 1 file/ }).click();
  const link = page.getByTestId("uploaded-list").getByRole("link", { name: "night-shift-30mib.jpg" });
  await expect(link).toBeVisible({ timeout: 120_000 });
  await expect(notice).toHaveCount(0);

  // Only the missing half was sent again (a part storage refused for a moment is sent again, hence the set).
  expect([...new Set(partsSent)].sort((a, b) => a - b)).toEqual([4, 5, 6]);
  expect(new Set(partsSent).size).toBeLessThan(totalParts);
  expect(await page.evaluate(() => localStorage.getItem("framevault.uploads-in-flight"))).toBeNull();

  const fileId = (await link.getAttribute("href"))!.split("/").pop()!;
  await expect.poll(async () => (await user.session.json(`/api/v1/files/${fileId}`)).body.status, { timeout: 90_000 }).toBe("ready");
  const res = await user.session.fetch(`/api/v1/files/${fileId}/download?redirect=false`);
  expect(res.status).toBe(200);
  expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes));
  // No parts linger in storage.
  const open = await testS3().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: `originals/${fileId}/` }));
  expect(open.Uploads ?? []).toEqual([]);
});
