import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import type { AlertRule } from "./types";

// The spec's archive alerting: archive failure, archive timeout (2 h) and high retrieval cost ($100).

/** The latest finished archive run failed, or could not move some files; clears when a later run finishes clean. */
export const archiveFailure: AlertRule = {
  id: "archive-failure",
  severity: "warning",
  description: "The latest finished archive run failed, or some of its moves failed.",
  async evaluate() {
    const [run] = await getDb().execute<{ id: string; status: string; failed: string | null; error: string | null }>(sql`
      select id, status::text as status, counts->>'failed' as failed, error from lifecycle_runs
       where kind = 'archive' and status in ('succeeded', 'failed') order by finished_at desc nulls last limit 1`);
    if (!run) return [];
    const failedMoves = Number(run.failed ?? 0);
    if (run.status !== "failed" && failedMoves === 0) return [];
    return [{
      key: "latest-run",
      title: run.status === "failed" ? `The archive run failed: ${run.error ?? "no error recorded"}` : `The archive run could not move ${failedMoves} file(s)`,
      details: { runId: run.id, status: run.status, failedMoves, error: run.error },
    }];
  },
};

/** An archive run queued or running for longer than ALERT_ARCHIVE_TIMEOUT_MINUTES; one alert per run. */
export const archiveTimeout: AlertRule = {
  id: "archive-timeout",
  severity: "warning",
  description: "An archive run still queued or running after ALERT_ARCHIVE_TIMEOUT_MINUTES (the spec: 2 hours).",
  async evaluate(now) {
    const minutes = env().ALERT_ARCHIVE_TIMEOUT_MINUTES;
    const since = new Date(now.getTime() - minutes * 60_000);
    const runs = await getDb().execute<{ id: string; started: Date }>(sql`
      select id, coalesce(started_at, created_at) as started from lifecycle_runs
       where kind = 'archive' and status in ('queued', 'running') and coalesce(started_at, created_at) < ${since.toISOString()}::timestamptz`);
    return runs.map((r) => ({
      key: r.id,
      title: `An archive run has been going for more than ${minutes} minutes`,
      details: { runId: r.id, startedAt: new Date(r.started).toISOString(), thresholdMinutes: minutes },
    }));
  },
};

/** This month's (UTC) retrieval estimates, failed ones excepted, above ALERT_RETRIEVAL_COST_USD. */
export const highRetrievalCost: AlertRule = {
  id: "high-retrieval-cost",
  severity: "warning",
  description: "Estimated retrieval cost this month (UTC) above ALERT_RETRIEVAL_COST_USD (the spec: $100; 0 turns it off).",
  async evaluate(now) {
    const threshold = env().ALERT_RETRIEVAL_COST_USD;
    if (threshold === 0) return [];
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const [row] = await getDb().execute<{ cost: number; n: number }>(sql`
      select coalesce(sum(estimated_cost), 0)::float8 as cost, count(*)::int as n from retrievals
       where status <> 'failed' and created_at >= ${month.toISOString()}::timestamptz`);
    const cost = Number(row?.cost ?? 0);
    if (cost <= threshold) return [];
    return [{
      key: month.toISOString().slice(0, 7),
      title: `Retrievals this month are estimated at $${cost.toFixed(2)}, above $${threshold}`,
      details: { costUsd: cost, retrievals: Number(row?.n ?? 0), thresholdUsd: threshold, month: month.toISOString().slice(0, 7) },
    }];
  },
};
