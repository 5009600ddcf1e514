import "server-only";
import { env } from "@/lib/env";
import { nextCronTime, parseCron } from "@/scripts/inngest-runner/cron";

/** The weekly restore drill's schedule (B3, lib/backup/restore): Sundays 04:00 UTC, after the full's 02:00. */
export const BACKUP_DRILL_CRON = "0 4 * * 0";

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
    drill: { cron: BACKUP_DRILL_CRON, next: nextRun(BACKUP_DRILL_CRON, now) },
  };
}
