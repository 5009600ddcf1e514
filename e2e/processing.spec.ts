import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { signIn } from "./support";

// What processing looks like in the browser: thumbnails in the grid, the preview and EXIF facts on the
// detail page, the reason of a quarantined file, and the admin Jobs page with its retry action.

const tag = randomUUID().slice(0, 6);

test.describe.configure({ mode: "serial" });

async function upload(page: Page, name: string, mimeType: string, buffer: Buffer): Promise<string> {
  // page.request sends the page's cookies but no Origin; cookie writes need the app's own Origin.
  const origin = new URL(page.url()).origin;
  const res = await page.request.post("/api/v1/files/upload", { headers: { origin }, multipart: { file: { name, mimeType, buffer } } });
  expect(res.status()).toBe(201);
  return (await res.json()).fileId;
}

/** The EICAR test file, assembled at run time so no scanner trips over this source. */
function eicar(): Buffer {
  const reversed = "*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\\4[PA@%P!O5X";
  return Buffer.from([...reversed].reverse().join(""), "latin1");
}

test("the grid shows thumbnails and reasons; the detail page shows the preview and EXIF", async ({ page }) => {
  await signIn(page);
  const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: "#2a7" } })
    .jpeg()
    .withExif({ IFD0: { Make: "Axis Communications", Model: `Q1800-${tag}` }, IFD2: { DateTimeOriginal: "2024:05:06 07:08:09" } })
    .toBuffer();
  const photoName = `e2e-photo-${tag}.jpg`;
  const photoId = await upload(page, photoName, "image/jpeg", photo);
  await upload(page, `e2e-eicar-${tag}.jpg`, "image/jpeg", eicar());

  await page.goto(`/files?q=${tag}`);
  const photoCard = page.locator(`[data-filename="${photoName}"]`);
  await expect(photoCard.locator('[data-status="ready"]')).toBeVisible({ timeout: 30_000 });
  const thumb = photoCard.locator("img");
  await expect(thumb).toHaveAttribute("src", /variant=thumbnail/);
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  const eicarCard = page.locator(`[data-filename="e2e-eicar-${tag}.jpg"]`);
  await expect(eicarCard.locator('[data-status="quarantined"]')).toBeVisible({ timeout: 30_000 });
  await expect(eicarCard).toContainText(/Eicar/i);

  await photoCard.click();
  await expect(page).toHaveURL(new RegExp(`/files/${photoId}`));
  await expect(page.getByTestId("image-viewer")).toHaveAttribute("src", /variant=preview/);
  await expect(page.getByTestId("media-facts")).toContainText(`Axis Communications Q1800-${tag}`);
  await expect(page.getByTestId("media-facts")).toContainText("1200 × 900");
});

test("an admin sees a failed job on the Jobs page and retries it", async ({ page }) => {
  await signIn(page);
  // FRAMEVAULT_FAULTS (scripts/test.ts) fails the virus scan of fault-always-* files on every attempt.
  const name = `fault-always-e2e-${tag}.png`;
  await upload(page, name, "image/png", await sharp({ create: { width: 8, height: 8, channels: 3, background: "#123" } }).png().toBuffer());
  await page.goto("/admin/jobs");
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
  await expect(page.getByTestId("job-counts")).toContainText("queued or running");
  const row = page.locator(`[data-testid="job-row"][data-filename="${name}"]`);
  await expect(row).toHaveAttribute("data-status", "failed", { timeout: 90_000 });
  await expect(row).toContainText("virus-scan: injected fault");
  await expect(row).toContainText("5");
  await row.getByRole("button", { name: /Retry/ }).click();
  await expect(row).toHaveAttribute("data-status", /queued|running/);
  await expect(row).toContainText("1 re-sent");
});
