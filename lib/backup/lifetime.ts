/**
 * How long a set lives in the backup store (B2), which is also its Object Lock retention. Plain Node: the
 * stack (scripts/stack) creates the backup bucket's default retention from it before the app runs.
 * A full lives until `keepFull` newer fulls exist (one a week), an incremental `keepIncremental` days; one
 * day of slack covers a late run.
 */
export function setLifetimeDays(type: "full" | "incremental", keep: { full: number; incremental: number }): number {
  return type === "full" ? keep.full * 7 + 1 : keep.incremental + 1;
}

/** The bucket's default retention: the longest a kept set lives. */
export function defaultRetentionDays(keep: { full: number; incremental: number }): number {
  return Math.max(setLifetimeDays("full", keep), setLifetimeDays("incremental", keep));
}

export const BACKUP_BUCKET_DEFAULT = "framevault-backups";
