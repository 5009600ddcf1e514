// The shapes of the backup and restore APIs the Backups page reads (the issue 10 contract, BACKUP-SHARED.md):
// GET /api/v1/backups, POST /api/v1/backups, POST /api/v1/backups/{id}/restore, GET /api/v1/restores/{id}.

export type BackupStatus = "running" | "verifying" | "completed" | "failed" | "expired";
export type BackupCheck = "pending" | "passed" | "failed";
export interface Progress { phase: string; done: number; total: number }

export interface BackupSetView {
  id: string;
  type: "full" | "incremental";
  status: BackupStatus;
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
  progress: Progress | null;
  error: string | null;
  verification: BackupCheck;
  verifiedAt: string | null;
  verificationError: string | null;
  drill: { status: BackupCheck; at: string | null; durationMs: number | null; error: string | null } | null;
}

export interface ScheduleEntry { cron: string; next: string | null }

export interface BackupList {
  data: BackupSetView[];
  nextCursor: string | null;
  schedule: { full: ScheduleEntry; incremental: ScheduleEntry; drill: ScheduleEntry };
  /** Seconds from the epoch of the newest verified set to now; null before the first. */
  rpoSeconds: number | null;
  lastDrill: { setId: string; at: string; durationMs: number | null; status: BackupCheck } | null;
}

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
