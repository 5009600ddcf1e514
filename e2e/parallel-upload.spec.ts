import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { expect, test, type Request } from "@playwright/test";
import { fakeJpeg } from "../scripts/testing/fixtures";
import { ADMIN } from "./support";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const isPartPut = (r: Request) => r.method() === "PUT" && new URL(r.url()).searchParams.has("partNumber");

test("a large file's parts go to storage several at a time and the stored file is bit-identical", async ({ page }, testInfo) => {
  const path = testInfo.outputPath("parking-deck-night.jpg");
  const bytes = fakeJpeg(16 * 1024 * 1024 + 12345);
  await writeFile(path, bytes);

  // Each part's PUT is held until another part's PUT has started (or 20 s pass, which only an uploader
  // sending one part at a time would need): the overlap is then certain, not a matter of timing.
  const started = new Set<string>();
  let inFlight = 0;
  let mostInFlight = 0;
  let secondStarted: () => void = () => {};
  const overlap = new Promise<void>((r) => (secondStarted = r));
  await page.route((url) => url.searchParams.has("partNumber"), async (route) => {
    if (route.request().method() !== "PUT") return route.continue();
    started.add(new URL(route.request().url()).searchParams.get("partNumber")!);
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    if (started.size >= 2) secondStarted();
    await Promise.race([overlap, new Promise((r) => setTimeout(r, 20_000))]);
    await route.continue();
  });
  const settle = (r: Request) => {
    if (isPartPut(r)) inFlight--;
  };
  page.on("requestfinished", settle);
  page.on("requestfailed", settle);

  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
  await page.getByRole("link", { name: "Upload", exact: true }).click();
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles([path]);
  await page.getByRole("button", { name: /Upload 1 file/ }).click();
  const link = page.getByTestId("uploaded-list").getByRole("link", { name: "parking-deck-night.jpg" });
  await expect(link).toBeVisible({ timeout: 90_000 });

  expect(started.size).toBe(4);
  expect(mostInFlight).toBeGreaterThan(1);
  const fileId = (await link.getAttribute("href"))!.split("/").pop();
  const url = `/api/v1/files/${fileId}/download?redirect=false`;
  // Downloads wait for processing (virus scan, type check) to pass.
  await expect.poll(async () => (await (await page.request.get(`/api/v1/files/${fileId}`)).json()).status, { timeout: 60_000 }).toBe("ready");
  const res = await page.request.get(url);
  expect(sha256(await res.body())).toBe(sha256(bytes));
});
