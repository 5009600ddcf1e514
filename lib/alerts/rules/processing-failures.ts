import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import type { AlertRule } from "./types";

/**
 * Processing that failed (every retry used up) within the window, for files still present: a file fixed by a
 * retry, or deleted, no longer counts, so the alert resolves once the failures are dealt with or age out.
 */
export const processingFailures: AlertRule = {
  id: "processing-failures",
  severity: "warning",
  description: "ALERT_PROCESSING_FAILURES_THRESHOLD or more processing jobs failed within ALERT_PROCESSING_FAILURES_WINDOW_MINUTES (files still present).",
  async evaluate(now) {
    const { ALERT_PROCESSING_FAILURES_THRESHOLD: threshold, ALERT_PROCESSING_FAILURES_WINDOW_MINUTES: windowMinutes } = env();
    const since = new Date(now.getTime() - windowMinutes * 60_000);
    const rows = await getDb().execute<{ step: string | null; failed: number; latest_error: string | null }>(sql`
      select j.step, count(*)::int as failed, (array_agg(j.last_error order by j.finished_at desc))[1] as latest_error
      from processing_jobs j join files f on f.id = j.file_id
      where j.status = 'failed' and j.finished_at >= ${since.toISOString()}::timestamptz and f.deleted_at is null
      group by j.step`);
    const failed = rows.reduce((n, r) => n + r.failed, 0);
    if (failed < threshold) return [];
    return [{
      key: "all",
      title: `${failed} processing jobs failed in the last ${windowMinutes} min (threshold ${threshold})`,
      details: {
        failed, threshold, windowMinutes,
        byStep: Object.fromEntries(rows.map((r) => [r.step ?? "unknown", r.failed])),
        latestError: rows.map((r) => r.latest_error).find(Boolean)?.slice(0, 300) ?? null,
      },
    }];
  },
};
