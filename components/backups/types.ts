// The shapes of the backup and restore APIs the Backups page reads (issue 10): the backup API's own types, and
// those of POST /api/v1/backups/{id}/restore and GET /api/v1/restores/{id}.

export type { BackupSetView } from "@/lib/backup/serialize";
import type { BackupSetView } from "@/lib/backup/serialize";
import type { listBackups } from "@/lib/backup/queries";

export type BackupCheck = BackupSetView["verification"];
export interface Progress { phase: string; done: number; total: number }
/** GET /api/v1/backups: a page of sets, the schedule, the RPO and the last drill. */
export type BackupList = Awaited<ReturnType<typeof listBackups>>;

export type { RestoreScope } from "@/lib/backup/restore/schemas";
import type { RestoreFileResult } from "@/lib/backup/restore/schemas";
import type { toRestoreView } from "@/lib/backup/restore/jobs";

/** One file of a restore's (or dry run's) result. */
export type RestoreFile = RestoreFileResult;
/** GET /api/v1/restores/{id}. */
export type RestoreView = ReturnType<typeof toRestoreView>;

/** A set a restore may start from: completed and verified (the API refuses others with backup_not_restorable). */
export const isRestorable = (s: BackupSetView) => s.status === "completed" && s.verification === "passed";
export const isActive = (s: BackupSetView) => s.status === "running" || s.status === "verifying";
