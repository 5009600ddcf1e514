import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { lifecycleRuns } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorId, type ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { inngest } from "@/inngest/client";
import { reconcileRunRequested } from "@/inngest/events";
import { emptyReconcileCounts, type ReconcileCounts } from "./report";

/**
 * "Run now" for reconciliation. `graceHours` overrides RECONCILE_GRACE_HOURS for this run only (the route
 * is admins' alone): S3's LastModified cannot be moved back, so a test or an admin sure nothing is in
 * flight shortens the wait this way.
 */
export async function requestReconcileRun(ctx: ServiceContext, input: { graceHours?: number }) {
  const graceHours = input.graceHours ?? env().RECONCILE_GRACE_HOURS;
  const row = await getDb().transaction(async (tx) => {
    const [run] = await tx.insert(lifecycleRuns).values({ kind: "reconcile", trigger: actorId(ctx.actor), counts: emptyReconcileCounts(graceHours) as never }).returning();
    await recordAuditEvent({ ...ctx, tx }, { action: "lifecycle.run.request", details: { runId: run.id, kind: run.kind, graceHours } });
    return run;
  });
  await inngest.send(reconcileRunRequested.create({ runId: row.id }));
  return { runId: row.id, kind: row.kind, status: row.status };
}

/** The workflow's first step: the requested run, or a new one for the schedule, with its grace and start time fixed. */
export async function startReconcileRun(input: { runId?: string }): Promise<{ runId: string; asOf: string; graceHours: number }> {
  const db = getDb();
  const runId = input.runId
    ?? (await db.insert(lifecycleRuns).values({ kind: "reconcile", trigger: "schedule", counts: emptyReconcileCounts(env().RECONCILE_GRACE_HOURS) as never }).returning())[0].id;
  const [run] = await db.select().from(lifecycleRuns).where(eq(lifecycleRuns.id, runId));
  if (!run) throw new Error(`Lifecycle run ${runId} does not exist.`);
  const graceHours = Number((run.counts as Partial<ReconcileCounts>).graceHours ?? env().RECONCILE_GRACE_HOURS);
  const asOf = run.asOf ?? new Date();
  await db.update(lifecycleRuns)
    .set({ status: "running", asOf, startedAt: run.startedAt ?? new Date(), counts: emptyReconcileCounts(graceHours) as never })
    .where(eq(lifecycleRuns.id, runId));
  return { runId, asOf: asOf.toISOString(), graceHours };
}

export async function saveReconcileProgress(input: { runId: string; totals: ReconcileCounts }) {
  await getDb().update(lifecycleRuns).set({ counts: input.totals as never }).where(eq(lifecycleRuns.id, input.runId));
}

export async function finishReconcileRun(input: { runId: string; totals: ReconcileCounts }) {
  await getDb().update(lifecycleRuns).set({ status: "succeeded", counts: input.totals as never, finishedAt: new Date() }).where(eq(lifecycleRuns.id, input.runId));
  const t = input.totals;
  logger.info({ runId: input.runId, listed: t.listedObjects, orphans: t.orphanCount, missing: t.missingCount, missingNew: t.missingNew, sizeMismatches: t.sizeMismatchCount }, "reconciliation finished");
}

/** onFailure: the run named by its event, or else the newest scheduled one still running. */
export async function failReconcileRun(input: { runId?: string; error: string }) {
  const db = getDb();
  const target = input.runId
    ?? (await db.select({ id: lifecycleRuns.id }).from(lifecycleRuns)
      .where(and(eq(lifecycleRuns.kind, "reconcile"), eq(lifecycleRuns.status, "running"), eq(lifecycleRuns.trigger, "schedule")))
      .orderBy(desc(lifecycleRuns.createdAt)).limit(1))[0]?.id;
  if (!target) return;
  logger.error({ runId: target, error: input.error }, "reconciliation failed");
  await db.update(lifecycleRuns).set({ status: "failed", error: input.error.slice(0, 2000), finishedAt: new Date() }).where(eq(lifecycleRuns.id, target));
}
