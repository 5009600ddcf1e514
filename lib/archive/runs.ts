import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { lifecycleRuns, type LifecycleRun } from "@/db/schema";
import { ApiError, notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorId, type ServiceContext } from "@/lib/auth/actor";
import { inngest } from "@/inngest/client";
import { archiveRunRequested, fileArchived, retentionRunRequested } from "@/inngest/events";
import { requestReconcileRun } from "@/lib/reconcile/runs";
import { env } from "@/lib/env";
import { judgeArchiveBatch, loadArchivePolicies, type ArchiveCandidate } from "./eligibility";
import { archiveFile } from "./move";
import type { createLifecycleRunSchema, listLifecycleRunsQuerySchema } from "./schemas";

/** The spec's scheduling: 1000 files a batch, at most 3 moves at a time. */
export const ARCHIVE_BATCH_SIZE = 1000;
export const ARCHIVE_MAX_CONCURRENT_MOVES = 3;

export interface ArchiveCounts {
  examined: number;
  moved: number;
  movedBytes: number;
  byClass: Record<string, number>;
  byRule: Record<string, number>;
  objectsCopied: number;
  /** Objects found already in their class: a move an interrupted run had made, finished now without a copy. */
  objectsAlreadyInClass: number;
  skippedShared: number;
  skippedChanged: number;
  failed: number;
  errors: string[];
}

export const emptyArchiveCounts = (): ArchiveCounts => ({
  examined: 0, moved: 0, movedBytes: 0, byClass: {}, byRule: {}, objectsCopied: 0, objectsAlreadyInClass: 0, skippedShared: 0, skippedChanged: 0, failed: 0, errors: [],
});

export function toRun(row: LifecycleRun) {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    trigger: row.trigger,
    asOf: row.asOf?.toISOString() ?? null,
    counts: row.counts,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** "Run now": records the run and hands it to its workflow (archive-files or retention-files). */
export async function requestLifecycleRun(ctx: ServiceContext, input: z.infer<typeof createLifecycleRunSchema>) {
  if (input.kind === "reconcile") return requestReconcileRun(ctx, input);
  const row = await getDb().transaction(async (tx) => {
    const [run] = await tx.insert(lifecycleRuns).values({ kind: input.kind, trigger: actorId(ctx.actor) }).returning();
    await recordAuditEvent({ ...ctx, tx }, { action: "lifecycle.run.request", details: { runId: run.id, kind: run.kind } });
    return run;
  });
  await inngest.send(row.kind === "retention" ? retentionRunRequested.create({ runId: row.id }) : archiveRunRequested.create({ runId: row.id }));
  return { runId: row.id, kind: row.kind, status: row.status };
}

export async function getLifecycleRun(_ctx: ServiceContext, runId: string) {
  const [row] = await getDb().select().from(lifecycleRuns).where(eq(lifecycleRuns.id, runId));
  if (!row) throw notFound("Run");
  return toRun(row);
}

export async function listLifecycleRuns(_ctx: ServiceContext, query: z.infer<typeof listLifecycleRunsQuerySchema>) {
  const rows = await getDb()
    .select()
    .from(lifecycleRuns)
    .where(query.kind ? eq(lifecycleRuns.kind, query.kind) : undefined)
    .orderBy(desc(lifecycleRuns.createdAt), desc(lifecycleRuns.id))
    .limit(query.limit);
  return { runs: rows.map(toRun) };
}

/** The workflow's first step: the requested run, or a new one for the schedule; fixes the moment rules are judged at. */
export async function startArchiveRun(input: { runId?: string }): Promise<{ runId: string; asOf: string }> {
  const db = getDb();
  const runId = input.runId ?? (await db.insert(lifecycleRuns).values({ kind: "archive", trigger: "schedule" }).returning())[0].id;
  const [run] = await db.select().from(lifecycleRuns).where(eq(lifecycleRuns.id, runId));
  if (!run) throw new Error(`Lifecycle run ${runId} does not exist.`);
  const asOf = run.asOf ?? new Date();
  await db.update(lifecycleRuns).set({ status: "running", asOf, startedAt: run.startedAt ?? new Date(), counts: emptyArchiveCounts() as never }).where(eq(lifecycleRuns.id, runId));
  return { runId, asOf: asOf.toISOString() };
}

const system: ServiceContext = { actor: { type: "system", name: "archive-run" } };

/**
 * One batch: the next files (by id after `after`) the prefilter lets through, each judged by decideArchive
 * (lib/lifecycle/fate.ts, the simulator's decision too); those it moves go 3 at a time. The counts so far come
 * in and the new totals are written over them (not added), so a retried step counts once.
 */
export async function archiveBatch(input: { runId: string; asOf: string; after: string | null; totals: ArchiveCounts; limit?: number }) {
  const limit = input.limit ?? ARCHIVE_BATCH_SIZE;
  const db = getDb();
  const batch = await judgeArchiveBatch(db, { asOf: new Date(input.asOf), after: input.after, limit, policies: await loadArchivePolicies(db), provider: env().ARCHIVE_PROVIDER });
  const totals: ArchiveCounts = structuredClone(input.totals);
  totals.examined += batch.examined;
  const candidates: ArchiveCandidate[] = [];
  for (const { file, decision } of batch.decisions) {
    if (decision.outcome === "move") {
      candidates.push({ id: file.id, storageTier: file.storageTier, size: file.size, ruleId: decision.policy.id, destination: decision.destination });
    } else if (decision.policy && decision.because === "shared") totals.skippedShared++;
    else if (decision.policy && decision.because === "cold_on_aws") totals.skippedChanged++;
  }
  const archived: { fileId: string; ownerId: string; storageClass: ArchiveCandidate["destination"] }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const candidate = candidates[next++];
      try {
        const outcome = await archiveFile(system, candidate, input.runId);
        if (outcome.result === "moved") {
          totals.moved++;
          totals.movedBytes += candidate.size;
          totals.byClass[candidate.destination] = (totals.byClass[candidate.destination] ?? 0) + 1;
          totals.byRule[candidate.ruleId] = (totals.byRule[candidate.ruleId] ?? 0) + 1;
          totals.objectsCopied += outcome.copied;
          totals.objectsAlreadyInClass += outcome.already;
          archived.push({ fileId: candidate.id, ownerId: outcome.ownerId, storageClass: candidate.destination });
        } else if (outcome.reason === "shared") totals.skippedShared++;
        else totals.skippedChanged++;
      } catch (err) {
        totals.failed++;
        if (totals.errors.length < 10) totals.errors.push(`${candidate.id}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: ARCHIVE_MAX_CONCURRENT_MOVES }, worker));
  await db.update(lifecycleRuns).set({ counts: totals as never }).where(eq(lifecycleRuns.id, input.runId));
  // One event per moved file, ids per run so a retried step's resend is dropped: the hook for caches of originals (CDN).
  if (archived.length) {
    await inngest.send(archived.map((a) => ({ ...fileArchived.create({ ...a, reason: "policy" }), id: `file-archived-${input.runId}-${a.fileId}` })));
  }
  return { totals, after: batch.last, more: batch.examined === limit };
}

export async function finishArchiveRun(input: { runId: string; totals: ArchiveCounts }) {
  await getDb()
    .update(lifecycleRuns)
    .set({ status: "succeeded", counts: input.totals as never, finishedAt: new Date(), error: input.totals.errors[0] ?? null })
    .where(eq(lifecycleRuns.id, input.runId));
}

/** onFailure: the run named by its event, or else the newest scheduled one still running. */
export async function failArchiveRun(input: { runId?: string; error: string }) {
  const db = getDb();
  const target = input.runId
    ? input.runId
    : (await db.select({ id: lifecycleRuns.id }).from(lifecycleRuns)
        .where(and(eq(lifecycleRuns.kind, "archive"), eq(lifecycleRuns.status, "running"), eq(lifecycleRuns.trigger, "schedule")))
        .orderBy(desc(lifecycleRuns.createdAt)).limit(1))[0]?.id;
  if (!target) return;
  await db.update(lifecycleRuns).set({ status: "failed", error: input.error.slice(0, 2000), finishedAt: new Date() }).where(eq(lifecycleRuns.id, target));
}
