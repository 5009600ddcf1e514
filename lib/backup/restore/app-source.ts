import "server-only";
import type { Bucket } from "./source";

// Wired to lib/backup/store.ts (BACKUP_S3_*) and BACKUP_ENCRYPTION_KEY once h-bcore's store is merged.
export function appBackupBucket(): Bucket {
  throw new Error("the backup store is not configured yet");
}

export function appEncryptionKey(): Buffer {
  throw new Error("the backup encryption key is not configured yet");
}
