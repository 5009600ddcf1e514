import "server-only";
import { env } from "@/lib/env";
import { backupStore } from "@/lib/backup/store";
import { parseEncryptionKey } from "../format";
import type { Bucket } from "./source";

/** The app's primary backup store (lib/backup/store.ts, BACKUP_S3_*) as restore and the drill read it. */
export function appBackupBucket(): Bucket {
  const store = backupStore();
  return { client: store.client, bucket: store.bucket, prefix: "" };
}

export function appEncryptionKey(): Buffer {
  return parseEncryptionKey(env().BACKUP_ENCRYPTION_KEY);
}
