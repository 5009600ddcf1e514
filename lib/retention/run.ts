import "server-only";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { lifecycleRuns } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import type { ServiceContext } from "@/lib/auth/actor";
import { archiveFile } from "@/lib/archive/move";
import { ARCHIVE_MAX_CONCURRENT_MOVES } from "@/lib/archive/runs";
import { trashFile } from "@/lib/files/trash";
import { inngest } from "@/inngest/client";
import { fileArchived } from "@/inngest/events";
import { env } from "@/lib/env";
import { loadFileFacts } from "@/lib/lifecycle/facts";
import { retentionAction } from "@/lib/lifecycle/fate";
import type { RetentionRuleLike } from "./decide";
import { loadRetentionRules } from "./rules";

export const RETENTION_BATCH_SIZE = 1000;

export interface RetentionCounts {
  /** Live files some enabled rule's scope matches. */
  examined: number;
  /** Governed by a rule but not due yet. */
  kept: number;
  trashed: number;
  trashedBytes: number;
  archived: number;
  archivedBytes: number;
  byRule: Record<string, number>;
  skippedHeld: number;
  skippedShared: number;
  skippedChanged: number;
  failed: number;
  errors: string[];
}

export const emptyRetentionCounts = (): RetentionCounts => ({
  examined: 0, kept: 0, trashed: 0, trashedBytes: 0, archived: 0, archivedBytes: 0, byRule: {}, skippedHeld: 0, skippedShared: 0, skippedChanged: 0, failed: 0, errors: [],
});

const system: ServiceContext = { actor: { type: "system", name: "retention-run" } };

/** The workflow's first step: the requested run, or a new one for the schedule; fixes the moment rules are judged at. */
export async function startRetentionRun(input: { runId?: string }): Promise<{ runId: string; asOf: string }> {
  const db = getDb();
  const runId = input.runId ?? (await db.insert(lifecycleRuns).values({ kind: "retention", trigger: "schedule" }).returning())[0].id;
  const [run] = await db.select().from(lifecycleRuns).where(eq(lifecycleRuns.id, runId));
  if (!run) throw new Error(`Lifecycle run ${runId} does not exist.`);
  const asOf = run.asOf ?? new Date();
  await db.update(lifecycleRuns).set({ status: "running", asOf, startedAt: run.startedAt ?? new Date(), counts: emptyRetentionCounts() as never }).where(eq(lifecycleRuns.id, runId));
  return { runId, asOf: asOf.toISOString() };
}

/** The live files some enabled rule's scope matches, as SQL: only they can be governed by a rule. */
export function retentionPrefilter(rules: readonly RetentionRuleLike[]): SQL | null {
  const enabled = rules.filter((r) => r.enabled);
  if (enabled.length === 0) return null;
  const values = (scope: string) => JSON.stringify(enabled.filter((r) => r.scope === scope).map((r) => r.scopeValue));
  return sql`f.deleted_at is null
    and (f.camera_id in (select jsonb_array_elements_text(${values("camera")}::jsonb))
      or f.site_id in (select jsonb_array_elements_text(${values("site")}::jsonb))
      or f.category in (select jsonb_array_elements_text(${values("category")}::jsonb)))`;
}

/**
 * One batch: the next live files (by id after `after`) that an enabled rule's scope matches, each judged by
 * retentionAction (lib/lifecycle/fate.ts: decideRetention's verdict and what follows, the simulator's decision
 * too) at the run's `asOf`; the due ones are trashed (trashFile: audited, refused under legal hold under the
 * file's lock) or archived (archiveFile), 3 at a time. Totals are written over, not added, so a retried step
 * counts once; a trashed file is no longer live and an archived one is already in its class, so a repeated
 * batch or a run after a crash does nothing twice.
 */
export async function retentionBatch(input: { runId: string; asOf: string; after: string | null; totals: RetentionCounts; limit?: number }) {
  const limit = input.limit ?? RETENTION_BATCH_SIZE;
  const asOf = new Date(input.asOf);
  const rules = await loadRetentionRules();
  const totals: RetentionCounts = structuredClone(input.totals);
  const where = retentionPrefilter(rules);
  if (!where) return { totals, after: input.after, more: false };
  const batch = await loadFileFacts(getDb(), { where, after: input.after, limit, retrievalEnd: "status" });
  totals.examined += batch.length;
  const opts = { provider: env().ARCHIVE_PROVIDER };
  const archived: { fileId: string; ownerId: string; storageClass: "GLACIER" | "DEEP_ARCHIVE" }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batch.length) {
      const file = batch[next++];
      const action = retentionAction(file, rules, asOf, opts);
      if (action.kind === "held") { if (action.decision.outcome === "held" && action.decision.rule) totals.skippedHeld++; continue; }
      if (action.kind === "keep") { totals.kept++; continue; }
      if (action.kind === "none") continue;
      if (action.kind === "skip") {
        if (action.because === "shared") totals.skippedShared++;
        else if (action.because !== "already") totals.skippedChanged++;
        continue;
      }
      const rule = action.rule;
      try {
        if (action.kind === "trash") {
          await trashFile(system, file.id, { details: { reason: "retention", rule: rule.id, runId: input.runId } });
          totals.trashed++;
          totals.trashedBytes += file.size;
        } else {
          const outcome = await archiveFile(system, { id: file.id, storageTier: file.storageTier, size: file.size, ruleId: `retention:${rule.id}`, destination: action.destination }, input.runId);
          if (outcome.result !== "moved") {
            if (outcome.reason === "shared") totals.skippedShared++; else totals.skippedChanged++;
            continue;
          }
          totals.archived++;
          totals.archivedBytes += file.size;
          archived.push({ fileId: file.id, ownerId: outcome.ownerId, storageClass: action.destination });
        }
        totals.byRule[rule.id] = (totals.byRule[rule.id] ?? 0) + 1;
      } catch (err) {
        if (err instanceof ApiError && err.code === "legal_hold") totals.skippedHeld++;
        else if (err instanceof ApiError && err.code === "not_found") totals.skippedChanged++;
        else {
          totals.failed++;
          if (totals.errors.length < 10) totals.errors.push(`${file.id}: ${(err as Error).message}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: ARCHIVE_MAX_CONCURRENT_MOVES }, worker));
  await getDb().update(lifecycleRuns).set({ counts: totals as never }).where(eq(lifecycleRuns.id, input.runId));
  if (archived.length) {
    await inngest.send(archived.map((a) => ({ ...fileArchived.create({ ...a, reason: "retention" }), id: `file-archived-${input.runId}-${a.fileId}` })));
  }
  return { totals, after: batch.at(-1)?.id ?? input.after, more: batch.length === limit };
}

export async function finishRetentionRun(input: { runId: string; totals: RetentionCounts }) {
  await getDb()
    .update(lifecycleRuns)
    .set({ status: "succeeded", counts: input.totals as never, finishedAt: new Date(), error: input.totals.errors[0] ?? null })
    .where(eq(lifecycleRuns.id, input.runId));
}

/** onFailure: the run named by its event, or else the newest scheduled one still running. */
export async function failRetentionRun(input: { runId?: string; error: string }) {
  const db = getDb();
  const target = input.runId
    ? input.runId
    : (await db.select({ id: lifecycleRuns.id }).from(lifecycleRuns)
        .where(and(eq(lifecycleRuns.kind, "retention"), eq(lifecycleRuns.status, "running"), eq(lifecycleRuns.trigger, "schedule")))
        .orderBy(desc(lifecycleRuns.createdAt)).limit(1))[0]?.id;
  if (!target) return;
  await db.update(lifecycleRuns).set({ status: "failed", error: input.error.slice(0, 2000), finishedAt: new Date() }).where(eq(lifecycleRuns.id, target));
}
