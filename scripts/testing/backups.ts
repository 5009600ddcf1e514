// Backups for tests that need one: started through the API as an admin, followed to their end.
import { expect } from "vitest";
import type { Session } from "./client";

export interface TestBackupSet {
  id: string; type: string; status: string; startedAt: string; finishedAt: string | null; durationMs: number | null; epochAt: string | null;
  objects: number; bytesTotal: number; bytesCopied: number; databaseBytes: number;
}

/** Starts a backup, waiting out one that a schedule or an earlier test is still making (409), and follows it to its end. */
export async function runBackup(admin: Session, type: "full" | "incremental"): Promise<TestBackupSet> {
  let started: { status: number; body: { backupId?: string } } | undefined;
  await expect
    .poll(async () => (started = await admin.json("/api/v1/backups", { method: "POST", body: { type } })).status, { timeout: 300_000, interval: 1000 })
    .not.toBe(409);
  expect(started!.status).toBe(202);
  let set: TestBackupSet | undefined;
  await expect
    .poll(async () => (set = (await admin.json(`/api/v1/backups/${started!.body.backupId}`)).body as TestBackupSet).status, { timeout: 300_000, interval: 1000 })
    .toMatch(/^(completed|failed)$/);
  return set!;
}
