import { randomUUID } from "node:crypto";
import path from "node:path";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect, test, type Page } from "@playwright/test";
import postgres from "postgres";
import { fakeJpeg } from "../scripts/testing/fixtures";
import { BUCKET, testS3 } from "../scripts/testing/backends";
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

test("an admin reads the reconciliation report and deletes the orphans after confirming", async ({ page }) => {
  await signIn(page);
  // A stray object in the bucket, and a file whose object was deleted straight from S3.
  const orphanKey = `originals/${randomUUID()}/${randomUUID()}`;
  await testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: orphanKey, Body: Buffer.from("stray bytes") }));
  const res = await page.request.post("/api/v1/files/upload", { headers: write, multipart: { file: { name: "e2e-missing.jpg", mimeType: "image/jpeg", buffer: fakeJpeg(3000) } } });
  expect(res.status()).toBe(201);
  const { fileId } = await res.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/files/${fileId}`)).json()).status, { timeout: 60_000 }).toBe("ready");
  const sql = postgres(process.env.FRAMEVAULT_OWNER_DATABASE_URL!, { max: 1, onnotice: () => {} });
  const [version] = await sql`select object_key from file_versions where file_id = ${fileId}`;
  await sql.end();
  await testS3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: version.object_key }));

  await navigate(page, "Reconcile");
  await expect(page.getByRole("heading", { name: "Reconciliation" })).toBeVisible();
  // S3's LastModified cannot be moved back: this run asks for no grace (admins may, per run).
  const started = await page.request.post("/api/v1/lifecycle/runs", { headers: write, data: { kind: "reconcile", graceHours: 0 } });
  expect(started.status()).toBe(202);
  await expect(page.getByTestId("orphan-row").filter({ hasText: orphanKey })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("missing-row").filter({ hasText: version.object_key })).toBeVisible();
  await shots(page, "reconciliation");

  page.once("dialog", (dialog) => dialog.accept());
  await page.getByTestId("delete-orphans").click();
  await expect(page.getByText(/Deleted \d+; skipped \d+\./)).toBeVisible();
  await expect(page.getByTestId("orphan-row").filter({ hasText: orphanKey })).toContainText("deleted");
});
