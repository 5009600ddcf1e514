// Real backup runs for the backup and restore tests (POST /api/v1/backups, followed to their end), and the backup
// store they write to, as the test stack configures it.
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ManifestSchema, manifestKey, type Manifest } from "../../lib/backup/format";
import { makeS3Client } from "../../lib/storage/s3-client";
import { adminSignIn, type Session } from "./client";

export const BACKUP_BUCKET = process.env.BACKUP_S3_BUCKET ?? "framevault-backups";

/** The backup store with the app's own credentials (the test stack's backup store shares the media store's account). */
export function backupS3(): S3Client {
  return makeS3Client({
    endpoint: process.env.BACKUP_S3_ENDPOINT ?? process.env.S3_ENDPOINT,
    region: process.env.S3_REGION!,
    accessKeyId: process.env.BACKUP_S3_ACCESS_KEY_ID ?? process.env.S3_ACCESS_KEY_ID!,
    secretAccessKey: process.env.BACKUP_S3_SECRET_ACCESS_KEY ?? process.env.S3_SECRET_ACCESS_KEY!,
  });
}

export async function readBackupObject(key: string): Promise<Buffer | null> {
  try {
    const res = await backupS3().send(new GetObjectCommand({ Bucket: BACKUP_BUCKET, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw err;
  }
}

export async function readManifestFromStore(setId: string): Promise<Manifest | null> {
  const bytes = await readBackupObject(manifestKey(setId));
  return bytes ? ManifestSchema.parse(JSON.parse(bytes.toString("utf8"))) : null;
}

/** POST /api/v1/backups, waiting out a run another test file left going (409 backup_running). */
export async function startBackup(admin: Session, type: "full" | "incremental", base?: Session): Promise<string> {
  const client = base ?? admin;
  for (let i = 0; i < 600; i++) {
    const res = await client.json("/api/v1/backups", { method: "POST", body: { type } });
    if (res.status === 202) return res.body.backupId as string;
    if (res.status !== 409) throw new Error(`POST /api/v1/backups answered ${res.status}: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("a backup kept running for 5 minutes");
}

/** Follows GET /api/v1/backups/{id} until the set is completed or failed. */
export async function waitForBackup(admin: Session, id: string, timeoutMs = 180_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await admin.json(`/api/v1/backups/${id}`);
    if (res.status !== 200) throw new Error(`GET /api/v1/backups/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (["completed", "failed", "expired"].includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`backup ${id} still ${res.body.status} (${JSON.stringify(res.body.progress)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
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
