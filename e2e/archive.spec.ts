import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import postgres from "postgres";
import { fakeJpeg } from "../scripts/testing/fixtures";
import { navigate, signIn } from "./support";

const BASE = process.env.FRAMEVAULT_BASE_URL ?? "http://127.0.0.1:3000";
const write = { origin: BASE };
const shot = (name: string) => path.join("test-results", "shots", name);

/** Both widths the pages are checked at: desktop and a phone. */
async function shots(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: shot(`${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test.describe.configure({ mode: "serial" });

test("an admin edits the archive rules, runs them, and a user's archived file is retrieved from its page", async ({ page }) => {
  await signIn(page);

  // The rules: the spec's four, one disabled and saved, then enabled again.
  await navigate(page, "Archive");
  await expect(page.getByTestId("policy")).toHaveCount(4);
  const large = page.locator('[data-policy-id="archive-large-files"]');
  await large.getByTestId("policy-enabled").uncheck();
  await page.getByTestId("save-policies").click();
  await expect(page.getByText("Saved 4 rules.")).toBeVisible();
  await page.reload();
  await expect(page.locator('[data-policy-id="archive-large-files"]').getByTestId("policy-enabled")).not.toBeChecked();
  await page.locator('[data-policy-id="archive-large-files"]').getByTestId("policy-enabled").check();
  await page.getByTestId("save-policies").click();
  await expect(page.getByText("Saved 4 rules.")).toBeVisible();

  // A file uploaded "100 days ago" and last read 40 days ago: the first rule takes it.
  const res = await page.request.post("/api/v1/files/upload", { headers: write, multipart: { file: { name: "e2e-archived.jpg", mimeType: "image/jpeg", buffer: fakeJpeg(4000) } } });
  expect(res.status()).toBe(201);
  const { fileId } = await res.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/files/${fileId}`)).json()).status, { timeout: 60_000 }).toBe("ready");
  const sql = postgres(process.env.FRAMEVAULT_OWNER_DATABASE_URL!, { max: 1, onnotice: () => {} });
  await sql`update files set created_at = now() - interval '100 days', last_accessed_at = now() - interval '40 days' where id = ${fileId}`;
  await sql.end();

  await page.getByTestId("run-now").click();
  await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await shots(page, "archive-policies");

  // The grid card and the file page show the tier; the page asks for a retrieval.
  // Found by name: it was "uploaded 100 days ago", so in a full test run it sits pages behind newer files.
  await page.goto("/files?q=e2e-archived");
  await expect(page.locator("li", { hasText: "e2e-archived.jpg" }).getByTestId("tier-badge")).toHaveText("Glacier");
  await page.goto(`/files/${fileId}`);
  await expect(page.getByTestId("storage-class").getByTestId("tier-badge")).toHaveText("Glacier");
  await expect(page.getByTestId("download")).toHaveCount(0);
  await page.getByTestId("retrieval-tier").selectOption("standard");
  await page.getByTestId("request-retrieval").click();
  await expect(page.getByTestId("open-retrieval")).toContainText("Pending");
  await shots(page, "file-archived");

  // Retrievals: live status, pending then ready (3 scaled hours = 3 s), with a download.
  await page.getByRole("link", { name: "Retrievals" }).first().click();
  const row = page.getByTestId("retrieval-row").filter({ hasText: "e2e-archived.jpg" });
  await expect(row).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  await expect(row.getByRole("link", { name: "Download" })).toBeVisible();
  await shots(page, "retrievals");
});
