import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import postgres from "postgres";
import { fakeJpeg } from "../scripts/testing/fixtures";
import { navigate, signIn } from "./support";

// The Backups page on the real APIs: the empty state (or the history a earlier test left), a full backup run
// from the page seen in progress and then in the history and its charts, a second run refused while the
// first is going, and a dry-run restore of one file listing it. Screenshots at 1280 and 390 px go to
// test-results/shots/.

const shotsDir = path.resolve("test-results/shots");
const write = (page: Page) => ({ origin: new URL(page.url()).origin });

async function shots(page: Page, name: string) {
  mkdirSync(shotsDir, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    // From the top: a full-page shot of a scrolled page draws the sticky header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shotsDir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test.describe.configure({ mode: "serial" });

test("an admin runs a full backup from the Backups page, follows it, and dry-runs the restore of one file", async ({ page }) => {
  test.setTimeout(600_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page);

  // A file the backup will hold.
  const name = `e2e-backup-${Date.now().toString(36)}.jpg`;
  const up = await page.request.post("/api/v1/files/upload", { headers: write(page), multipart: { file: { name, mimeType: "image/jpeg", buffer: fakeJpeg(6000) } } });
  expect(up.status()).toBe(201);
  const { fileId } = await up.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/files/${fileId}`)).json()).status, { timeout: 60_000 }).toBe("ready");

  await navigate(page, "Backups");
  await expect(page.getByRole("heading", { name: "Backups", level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/backups$/);
  // The Admin group (closed again after the click) shows it holds the current page.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Admin" })).toHaveAttribute("data-current", "");
  const before = await (await page.request.get("/api/v1/backups?limit=1")).json();
  if (before.data.length === 0) {
    await expect(page.getByRole("heading", { name: "No backups yet" })).toBeVisible();
    await expect(page.getByTestId("empty-run-full")).toBeVisible();
    await expect(page.getByTestId("tile-rpo")).toContainText("None yet");
    await shots(page, "backups-empty");
  } else {
    await expect(page.getByTestId("backup-row").first()).toBeVisible();
  }
  for (const tile of ["rpo", "rto", "next-full", "next-incremental"]) await expect(page.getByTestId(`tile-${tile}`)).toBeVisible();
  // A run a schedule or an earlier test started must end first: one run at a time.
  await expect(page.getByTestId("current-run")).toHaveCount(0, { timeout: 300_000 });

  // Held in progress by the test: an exclusive lock on a small table the snapshot copies keeps the run in its
  // database phase until the screenshots are taken (a fault injected from outside, not a hook in the app).
  const sql = postgres(process.env.FRAMEVAULT_OWNER_DATABASE_URL!, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const lock = sql.begin(async (tx) => {
    await tx`lock table storage_snapshots in access exclusive mode`;
    locked();
    await held;
  });
  try {
    await isLocked;
    await page.getByTestId("run-full").click();
    const run = page.getByTestId("current-run");
    await expect(run).toBeVisible();
    await expect(run.getByRole("progressbar")).toBeVisible();
    await expect(run).toContainText("Full backup");
    await expect(page.getByTestId("backup-row").first()).toHaveAttribute("data-status", /running|verifying/);

    // A second run is refused while this one goes, and the page says why.
    await page.getByTestId("run-incremental").click();
    await expect(page.getByRole("alert").filter({ hasText: "A backup is already running" })).toBeVisible();
    await shots(page, "backups-running");
  } finally {
    release();
    await lock;
    await sql.end();
  }

  const newest = page.getByTestId("backup-row").first();
  await expect(newest).toHaveAttribute("data-status", "completed", { timeout: 300_000 });
  await expect(newest).toHaveAttribute("data-type", "full");
  await expect(newest).toContainText("passed");
  await expect(page.getByTestId("current-run")).toHaveCount(0);
  // The refusal answered the run that has now ended: it no longer shows.
  await expect(page.getByRole("alert").filter({ hasText: "A backup is already running" })).toHaveCount(0);
  await expect(page.getByTestId("tile-rpo")).not.toContainText("None yet");
  for (const chart of ["backup-sizes", "backup-durations"]) {
    await expect(page.getByTestId(`chart-${chart}`).locator("svg.recharts-surface").first(), chart).toBeVisible();
  }
  await expect(page.getByTestId("chart-backup-sizes").locator(".recharts-bar-rectangle path").first()).toBeVisible();
  const setId = await newest.getAttribute("data-set-id");
  await shots(page, "backups-history");

  // The dry run of one file from that set: it is listed, and nothing changes.
  const panel = page.getByTestId("restore-panel");
  await panel.getByTestId("restore-set").selectOption(setId!);
  await expect(panel.getByTestId("restore-run")).toBeDisabled();
  await panel.getByLabel("Files by id").check();
  await panel.getByTestId("restore-file-ids").fill(fileId);
  await panel.getByTestId("restore-dry-run").focus();
  await page.keyboard.press("Enter");
  const job = panel.getByTestId("restore-job");
  await expect(job).toHaveAttribute("data-status", "completed", { timeout: 120_000 });
  await expect(job).toHaveAttribute("data-dry-run", "true");
  const listed = job.getByTestId("restore-file");
  await expect(listed).toHaveCount(1);
  await expect(listed).toContainText(name);
  // Unchanged since the set was taken: listed, and skipped with the reason.
  await expect(listed).toHaveAttribute("data-action", "skip");
  await expect(listed.locator("[data-reason]")).toHaveAttribute("data-reason", "unchanged");
  await expect(job.getByTestId("restore-totals")).toHaveText("Would restore 0 files (0 versions, 0 objects, 0 B); 1 skipped.");
  await expect(panel.getByTestId("restore-run")).toBeEnabled();
  await shots(page, "backups-restore-dry-run");

  // The file is still as it was: a dry run restores nothing.
  const file = await (await page.request.get(`/api/v1/files/${fileId}`)).json();
  expect(file.status).toBe("ready");
});
