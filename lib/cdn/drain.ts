import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, eq, gte, inArray, ne, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { cdnInvalidationQueue, cdnInvalidations } from "@/db/schema";
import { env } from "@/lib/env";
import { cdnProvider } from "./index";
import { MAX_PATHS_PER_INVALIDATION, planInvalidations } from "./plan";
import { TooManyInvalidationsError, type CdnProvider } from "./provider";

/** Paths one planning step takes on; more wait for the next round. */
const TAKE_LIMIT = 20_000;

export function startOfMonth(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Paths billed this month by this provider (a wildcard is one). */
export async function pathsThisMonth(provider: string, now = new Date()): Promise<number> {
  const [row] = await getDb()
    .select({ n: sql<number>`coalesce(sum(${cdnInvalidations.pathCount}), 0)::int` })
    .from(cdnInvalidations)
    // A failed invalidation was never accepted, so never billed (its paths went back to the queue).
    .where(and(eq(cdnInvalidations.provider, provider), gte(cdnInvalidations.createdAt, startOfMonth(now)), ne(cdnInvalidations.status, "failed")));
  return row?.n ?? 0;
}

/**
 * Plans what is due: nothing while a partial batch is younger than CDN_INVALIDATION_BATCH_SECONDS (more
 * paths may come and share its request), everything once it is that old or a full request's worth waits.
 * The queued rows are deleted in the transaction that records the invalidations, so a path is never lost
 * and never sent twice. Returns the invalidations to send and, when waiting, how long.
 */
export async function planDueInvalidations(): Promise<{ ids: string[]; waitSeconds: number | null }> {
  const cdn = cdnProvider();
  if (!cdn) return { ids: [], waitSeconds: null };
  const e = env();
  const billed = await pathsThisMonth(cdn.name);
  const ids = await getDb().transaction(async (tx) => {
    const waiting = await tx
      .select({ id: cdnInvalidationQueue.id, path: cdnInvalidationQueue.path, ageMs: sql<number>`(extract(epoch from now() - ${cdnInvalidationQueue.enqueuedAt}) * 1000)::float8` })
      .from(cdnInvalidationQueue)
      .orderBy(asc(cdnInvalidationQueue.enqueuedAt), asc(cdnInvalidationQueue.id))
      .limit(TAKE_LIMIT)
      .for("update", { skipLocked: true });
    if (waiting.length === 0) return null;
    const oldestAgeMs = Math.max(...waiting.map((w) => w.ageMs));
    if (waiting.length < MAX_PATHS_PER_INVALIDATION && oldestAgeMs < e.CDN_INVALIDATION_BATCH_SECONDS * 1000) {
      return { kind: "wait" as const, waitMs: e.CDN_INVALIDATION_BATCH_SECONDS * 1000 - oldestAgeMs, ids: [] as string[] };
    }
    const planned = planInvalidations(
      waiting.map((w) => w.path),
      { wildcards: cdn.wildcards, wildcardAbove: e.CDN_INVALIDATION_WILDCARD_ABOVE, pricing: cdn.pricing, pathsThisMonth: billed },
    );
    const rows = planned.map((p) => {
      const id = randomUUID();
      return { id, provider: cdn.name, callerReference: `framevault-${id}`, paths: p.paths, pathCount: p.paths.length, costUsd: p.costUsd };
    });
    if (rows.length) await tx.insert(cdnInvalidations).values(rows);
    await tx.delete(cdnInvalidationQueue).where(inArray(cdnInvalidationQueue.id, waiting.map((w) => w.id)));
    return { kind: "send" as const, waitMs: 0, ids: rows.map((r) => r.id) as string[] };
  });
  if (!ids) return { ids: [], waitSeconds: null };
  if (ids.kind === "send") return { ids: ids.ids, waitSeconds: null };
  return { ids: [], waitSeconds: Math.max(1, Math.ceil(ids.waitMs / 1000)) };
}

/** Invalidations recorded but not finished (sent or not), oldest first: a run resumes what another left. */
export async function openInvalidationIds(limit = 50): Promise<string[]> {
  const rows = await getDb()
    .select({ id: cdnInvalidations.id })
    .from(cdnInvalidations)
    .where(inArray(cdnInvalidations.status, ["pending", "in_progress"]))
    .orderBy(asc(cdnInvalidations.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

export type SubmitOutcome = "in_progress" | "completed" | "throttled" | "busy" | "failed";

/**
 * Sends one recorded invalidation (its CallerReference makes a repeat the same invalidation). The row
 * stays locked while the request runs, so two runs never send it at once. TooManyInvalidationsInProgress
 * is an outcome (`throttled`: the caller backs off and tries again); other errors are thrown for the
 * workflow's retries, after they are written down.
 */
export async function submitInvalidation(id: string, provider: CdnProvider | null = cdnProvider()): Promise<SubmitOutcome> {
  if (!provider) return "failed";
  let failure: Error | null = null;
  const outcome = await getDb().transaction(async (tx): Promise<SubmitOutcome> => {
    const [row] = await tx.select().from(cdnInvalidations).where(eq(cdnInvalidations.id, id)).for("update", { skipLocked: true });
    if (!row) return "busy";
    if (row.status !== "pending") return row.status;
    const attempts = row.attempts + 1;
    try {
      const sent = await provider.createInvalidation({ callerReference: row.callerReference, paths: row.paths });
      const now = new Date();
      await tx
        .update(cdnInvalidations)
        .set({ providerId: sent.id, status: sent.state, attempts, lastError: null, submittedAt: now, completedAt: sent.state === "completed" ? now : null })
        .where(eq(cdnInvalidations.id, id));
      return sent.state;
    } catch (err) {
      await tx.update(cdnInvalidations).set({ attempts, lastError: (err as Error).message.slice(0, 500) }).where(eq(cdnInvalidations.id, id));
      if (err instanceof TooManyInvalidationsError) return "throttled";
      failure = err as Error;
      return "failed";
    }
  });
  if (failure) throw failure;
  return outcome;
}

/** Asks the provider how a sent invalidation is doing and records its completion. */
export async function refreshInvalidation(id: string, provider: CdnProvider | null = cdnProvider()): Promise<SubmitOutcome> {
  const [row] = await getDb().select().from(cdnInvalidations).where(eq(cdnInvalidations.id, id));
  if (!row || !provider) return "failed";
  if (row.status === "pending") return "busy";
  if (row.status !== "in_progress" || !row.providerId) return row.status;
  const { state } = await provider.getInvalidation(row.providerId);
  if (state === "completed") {
    await getDb().update(cdnInvalidations).set({ status: "completed", completedAt: new Date() }).where(and(eq(cdnInvalidations.id, id), eq(cdnInvalidations.status, "in_progress")));
  }
  return state;
}

/** Gives up on an invalidation the provider kept refusing; its paths are queued again for a later run. */
export async function requeueInvalidation(id: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    const [row] = await tx
      .update(cdnInvalidations)
      .set({ status: "failed", completedAt: new Date() })
      .where(and(eq(cdnInvalidations.id, id), eq(cdnInvalidations.status, "pending")))
      .returning();
    if (row) await tx.insert(cdnInvalidationQueue).values(row.paths.map((path) => ({ path, reason: `retry:${id}` })));
  });
}
