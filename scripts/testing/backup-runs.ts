// Real backup runs for the restore tests (POST /api/v1/backups, followed to their end), and the backup store
// they write to, as the test stack configures it.
import { BACKUP_BUCKET, startBackup, waitForBackup } from "@/lib/backup/testing";
import { adminSignIn } from "./client";

export function backupBucket(): string {
  return BACKUP_BUCKET;
}

/** The key the app encrypts its dumps with (the test stack makes one per run). */
export function backupKeyText(): string {
  const key = process.env.BACKUP_ENCRYPTION_KEY;
  if (!key) throw new Error("BACKUP_ENCRYPTION_KEY is not set: run the tests through npm test");
  return key;
}

export interface TakenSet {
  id: string;
  type: "full" | "incremental";
  status: string;
  verification: string;
  objects: number;
  objectsCopied: number;
  bytesTotal: number;
  bytesCopied: number;
}

/** A manual run of `type`, waited for until it completed (and verified) or failed. */
export async function takeBackup(type: "full" | "incremental"): Promise<TakenSet> {
  const admin = await adminSignIn();
  const id = await startBackup(admin, type);
  return (await waitForBackup(admin, id, 300_000)) as TakenSet;
}
