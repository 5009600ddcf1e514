import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import type { AlertRule } from "./types";

/**
 * Stored content is gone (L5): the latest finished reconciliation found objects its rows name missing from
 * the bucket. Clears when a later run finds none (the object was restored, or the row dealt with).
 */
export const missingObjects: AlertRule = {
  id: "missing-objects",
  severity: "critical",
  description: "The latest reconciliation found stored objects missing from the bucket (rows whose object is gone).",
  async evaluate() {
    const [run] = await getDb().execute<{ id: string; missing: string | null; finished: Date }>(sql`
      select id, counts->>'missingCount' as missing, finished_at as finished from lifecycle_runs
       where kind = 'reconcile' and status = 'succeeded' order by finished_at desc nulls last limit 1`);
    const missing = Number(run?.missing ?? 0);
    if (!run || missing === 0) return [];
    return [{
      key: "bucket",
      title: `${missing} stored object(s) are missing from the bucket (reconciliation)`,
      details: { runId: run.id, missing, finishedAt: new Date(run.finished).toISOString() },
    }];
  },
};
