import type { BackupSet } from "@/db/schema";

/** A backup set as the API and the Backups page show it (BACKUP-SHARED.md's contract). */
export interface BackupSetView {
  id: string;
  type: "full" | "incremental";
  status: BackupSet["status"];
  trigger: "schedule" | "manual";
  baseSetId: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  epochAt: string | null;
  objects: number;
  objectsCopied: number;
  bytesTotal: number;
  bytesCopied: number;
  databaseBytes: number;
  progress: { phase: string; done: number; total: number } | null;
  error: string | null;
  verification: "pending" | "passed" | "failed";
  verifiedAt: string | null;
  verificationError: string | null;
  drill: { status: "pending" | "passed" | "failed"; at: string | null; durationMs: number | null; error: string | null } | null;
}

export function toBackupSetView(row: BackupSet): BackupSetView {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    trigger: row.trigger === "manual" ? "manual" : "schedule",
    baseSetId: row.baseSetId,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    durationMs: row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null,
    epochAt: row.epochAt?.toISOString() ?? null,
    objects: row.objects,
    objectsCopied: row.objectsCopied,
    bytesTotal: row.bytesTotal,
    bytesCopied: row.bytesCopied,
    databaseBytes: row.databaseBytes,
    progress: row.progress ?? null,
    error: row.error,
    verification: row.verification,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    verificationError: row.verificationError,
    drill: row.drill
      ? { status: row.drill, at: row.drillAt?.toISOString() ?? null, durationMs: row.drillDurationMs, error: row.drillError }
      : null,
  };
}
