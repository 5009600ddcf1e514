/** Reconciliation's counts, as stored on the run (`lifecycle_runs.counts`) and returned by the runs API. */

/** Entries kept per list in a run's report; the totals beside them count every one. */
export const REPORT_LIST_CAP = 200;

/** Prefixes in the media bucket that hold objects without rows on purpose (the audit chain's checkpoints). */
export const UNTRACKED_PREFIXES = ["audit-checkpoints/"] as const;

export type ObjectKind = "version" | "blob" | "variant";

export interface OrphanObject {
  key: string;
  size: number;
  lastModified: string | null;
  /** Set once the admin's delete-orphans action removed it. */
  deletedAt?: string;
}

export interface MissingObject {
  key: string;
  kind: ObjectKind;
  fileId: string | null;
  versionId: string | null;
  expectedSize: number;
  /** First found missing by this run (false: an earlier run had already marked it). */
  new: boolean;
}

export interface SizeMismatch {
  key: string;
  kind: ObjectKind;
  expectedSize: number;
  actualSize: number;
}

export interface ReconcileCounts {
  graceHours: number;
  pages: number;
  listedObjects: number;
  listedBytes: number;
  /** Under an untracked prefix (audit checkpoints). */
  untracked: number;
  /** Objects without a row that are still safe: younger than the grace, an upload in flight, or queued for deletion. */
  safe: { recent: number; uploadInFlight: number; queuedForDeletion: number };
  orphanCount: number;
  orphanBytes: number;
  orphanObjects: OrphanObject[];
  orphansDeleted: number;
  missingCount: number;
  missingNew: number;
  missingObjects: MissingObject[];
  /** Versions marked missing by an earlier run whose object is back. */
  missingCleared: number;
  sizeMismatchCount: number;
  sizeMismatches: SizeMismatch[];
}

export const emptyReconcileCounts = (graceHours: number): ReconcileCounts => ({
  graceHours, pages: 0, listedObjects: 0, listedBytes: 0, untracked: 0,
  safe: { recent: 0, uploadInFlight: 0, queuedForDeletion: 0 },
  orphanCount: 0, orphanBytes: 0, orphanObjects: [], orphansDeleted: 0,
  missingCount: 0, missingNew: 0, missingObjects: [], missingCleared: 0,
  sizeMismatchCount: 0, sizeMismatches: [],
});

export function pushCapped<T>(list: T[], item: T): void {
  if (list.length < REPORT_LIST_CAP) list.push(item);
}
