// The shapes of the backup and restore APIs the Backups page reads (issue 10): the backup API's own types, and
// those of POST /api/v1/backups/{id}/restore and GET /api/v1/restores/{id}.

export type { BackupSetView } from "@/lib/backup/serialize";
import type { BackupSetView } from "@/lib/backup/serialize";
import type { listBackups } from "@/lib/backup/queries";

export type BackupCheck = BackupSetView["verification"];
export interface Progress { phase: string; done: number; total: number }
/** GET /api/v1/backups: a page of sets, the schedule, the RPO and the last drill. */
export type BackupList = Awaited<ReturnType<typeof listBackups>>;

export type RestoreScope =
  | { fileIds: string[] }
  | { cameraId: string }
  | { siteId: string }
  | { eventId: string }
  | { capturedFrom: string; capturedTo: string }
  | "all";

export interface RestoreFile {
  fileId: string;
  name: string;
  ownerId: string;
  action: "restore" | "skip";
  /** purged | incomplete | overwrite_newer (restored); unchanged | newer | owner_missing (skipped). */
  reason: string;
  versions: number;
  variants: number;
  /** Objects the set holds for the file (versions and variants), and their bytes. */
  objects: number;
  bytes: number;
  /** Changed after the set's epoch: skipped unless the request said overwriteNewer. */
  newer?: boolean;
}

export interface RestoreView {
  id: string;
  setId: string;
  scope: RestoreScope;
  dryRun: boolean;
  overwriteNewer: boolean;
  status: "queued" | "running" | "completed" | "failed";
  progress: Progress | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  result: {
    files: RestoreFile[];
    /** More files than the list holds (the totals count all). */
    truncated: boolean;
    totals: { files: number; versions: number; objects: number; bytes: number; skipped: number; newer: number; objectsCopied: number };
  } | null;
}

/** A set a restore may start from: completed and verified (the API refuses others with backup_not_restorable). */
export const isRestorable = (s: BackupSetView) => s.status === "completed" && s.verification === "passed";
export const isActive = (s: BackupSetView) => s.status === "running" || s.status === "verifying";
