import "server-only";
import { env } from "@/lib/env";
import { nextCronTime, parseCron } from "@/scripts/inngest-runner/cron";

/** When a cron fires next after `now` (UTC, as Inngest computes it); null for an expression it cannot read. */
export function nextRun(cron: string, now = new Date()): string | null {
  try {
    return new Date(nextCronTime(parseCron(cron), now.getTime())).toISOString();
  } catch {
    return null;
  }
}

export function backupSchedule(now = new Date()) {
  const e = env();
  return {
    full: { cron: e.BACKUP_FULL_CRON, next: nextRun(e.BACKUP_FULL_CRON, now) },
    incremental: { cron: e.BACKUP_INCREMENTAL_CRON, next: nextRun(e.BACKUP_INCREMENTAL_CRON, now) },
    // The restore drill (lib/backup/restore): BACKUP_DRILL_CRON, Sundays 04:00 UTC by default, after the full's 02:00.
    drill: { cron: e.BACKUP_DRILL_CRON, next: nextRun(e.BACKUP_DRILL_CRON, now) },
  };
}
