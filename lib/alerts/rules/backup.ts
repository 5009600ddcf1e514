import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import type { AlertRule } from "./types";

// The spec's backup alerting (O2, issue 10): failure, timeout (1 h) and size anomaly (+50 %). Each opened
// alert is also sent as its own webhook event (backup.failed, backup.timeout, backup.size_anomaly) by the
// fan-out (inngest/fan-out-webhooks.ts, BACKUP_WEBHOOK_OF_RULE).

/**
 * A set that failed (the run, its verification, or its restore drill), newer than the newest set that
 * succeeded in full: one alert per set, resolved once a later set completes, verifies and is not failed by a drill.
 */
export const backupFailure: AlertRule = {
  id: "backup-failure",
  severity: "critical",
  description: "A backup run failed, its verification failed (the backup store does not hold what the manifest lists), or its restore drill failed.",
  async evaluate() {
    const rows = await getDb().execute<{ id: string; type: string; status: string; verification: string; drill: string | null; error: string | null; verification_error: string | null; drill_error: string | null; started_at: Date }>(sql`
      with good as (
        select max(started_at) as at from backup_sets
         where status in ('completed', 'expired') and verification = 'passed' and coalesce(drill::text, 'pending') <> 'failed')
      select id, type::text as type, status::text as status, verification::text as verification, drill::text as drill,
             error, verification_error, drill_error, started_at
        from backup_sets, good
       where (status = 'failed' or verification = 'failed' or drill = 'failed')
         and started_at > coalesce(good.at, '-infinity'::timestamptz)
       order by started_at desc limit 20`);
    return rows.map((r) => {
      const what = r.drill === "failed" ? "restore drill" : r.verification === "failed" ? "verification" : "run";
      const reason = (r.drill === "failed" ? r.drill_error : r.verification === "failed" ? r.verification_error : r.error) ?? "no error recorded";
      return {
        key: r.id,
        title: `The ${r.type} backup's ${what} failed: ${reason.split("\n")[0]}`,
        details: { setId: r.id, type: r.type, failed: what, reason, status: r.status, verification: r.verification, drill: r.drill, startedAt: new Date(r.started_at).toISOString() },
      };
    });
  },
};

/** A run still going after BACKUP_TIMEOUT_MINUTES (the spec: 1 hour); one alert per run, resolved when it ends. */
export const backupTimeout: AlertRule = {
  id: "backup-timeout",
  severity: "warning",
  description: "A backup run still running after BACKUP_TIMEOUT_MINUTES (the spec: 1 hour).",
  async evaluate(now) {
    const minutes = env().BACKUP_TIMEOUT_MINUTES;
    const since = new Date(now.getTime() - minutes * 60_000);
    const rows = await getDb().execute<{ id: string; type: string; started_at: Date; progress: unknown }>(sql`
      select id, type::text as type, started_at, progress from backup_sets
       where status in ('running', 'verifying') and started_at < ${since.toISOString()}::timestamptz`);
    return rows.map((r) => ({
      key: r.id,
      title: `A ${r.type} backup has been running for more than ${minutes} minutes`,
      details: { setId: r.id, type: r.type, startedAt: new Date(r.started_at).toISOString(), thresholdMinutes: minutes, progress: r.progress },
    }));
  },
};

/**
 * The newest completed set of a type is BACKUP_SIZE_ANOMALY_PERCENT (the spec: 50 %) or more larger than the
 * previous completed set of that type. Size: the objects it references plus its database dumps.
 */
export const backupSizeAnomaly: AlertRule = {
  id: "backup-size-anomaly",
  severity: "warning",
  description: "A backup set is BACKUP_SIZE_ANOMALY_PERCENT (the spec: 50 %) or more larger than the previous set of its type.",
  async evaluate() {
    const percent = env().BACKUP_SIZE_ANOMALY_PERCENT;
    const rows = await getDb().execute<{ id: string; type: string; size: number; previous_id: string; previous_size: number }>(sql`
      with ranked as (
        select id, type, (bytes_total + database_bytes)::float8 as size,
               row_number() over (partition by type order by started_at desc) as n
          from backup_sets where status in ('completed', 'expired') and verification = 'passed')
      select a.id, a.type::text as type, a.size, b.id as previous_id, b.size as previous_size
        from ranked a join ranked b on a.type = b.type and a.n = 1 and b.n = 2
       where b.size > 0 and a.size >= b.size * (1 + ${percent}::float8 / 100)`);
    return rows.map((r) => {
      const growth = Math.round((Number(r.size) / Number(r.previous_size) - 1) * 100);
      return {
        key: r.id,
        title: `The latest ${r.type} backup is ${growth}% larger than the previous one`,
        details: { setId: r.id, type: r.type, size: Number(r.size), previousSetId: r.previous_id, previousSize: Number(r.previous_size), growthPercent: growth, thresholdPercent: percent },
      };
    });
  },
};
