import "server-only";
import { and, desc, eq, inArray, lte, or, sql } from "drizzle-orm";
import type { z } from "zod";
import { getDb, type Database, type Tx } from "@/db/client";
import { files, retrievals, type ArchiveClass, type Retrieval } from "@/db/schema";
import { ApiError, notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorId, type ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { fileAccessConditions } from "@/lib/files/access";
import { lockVisibleFile } from "@/lib/files/lookup";
import { inngest } from "@/inngest/client";
import { fileArchived, retrievalRequested } from "@/inngest/events";
import { archiveStore } from "./active-store";
import { isArchivedTier, TIER_CLASS } from "./classes";
import { fileObjectKeys } from "./eligibility";
import { estimateRetrieval, retrievalPricing } from "./pricing";
import type { createRetrievalSchema, listRetrievalsQuerySchema } from "./schemas";

const DAY_MS = 86_400_000;

/** Every archive delay (a tier's wait, a retrieval's window) divided by ARCHIVE_TIME_SCALE. */
export function scaledMs(ms: number): number {
  return Math.max(1, Math.round(ms / env().ARCHIVE_TIME_SCALE));
}

export function toRetrieval(row: Retrieval, filename?: string) {
  return {
    retrievalId: row.id,
    fileId: row.fileId,
    filename: filename ?? null,
    storageClass: row.storageClass,
    tier: row.tier,
    days: row.days,
    status: row.status,
    bytes: row.bytes,
    estimatedCost: row.estimatedCost,
    estimatedReadyAt: row.estimatedReadyAt.toISOString(),
    readyAt: row.readyAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Bytes a retrieval brings back: each distinct object of the file's versions once. */
async function retrievalBytes(fileId: string, db: Database | Tx): Promise<number> {
  const [row] = await db.execute(sql`select coalesce(sum(size), 0)::bigint as bytes from (select distinct on (object_key) size from file_versions where file_id = ${fileId}) v`);
  return Number(row?.bytes ?? 0);
}

/**
 * Asks for an archived file back for `days` days (owner or admin; another user's file is a 404). The
 * estimate comes from the price/time table for the file's class and the tier; the wait itself runs in the
 * `complete-retrieval` workflow.
 */
export async function requestRetrieval(ctx: ServiceContext, fileId: string, input: z.infer<typeof createRetrievalSchema>) {
  const row = await getDb().transaction(async (tx) => {
    const file = await lockVisibleFile(ctx, tx, fileId);
    if (!isArchivedTier(file.storageTier)) throw new ApiError(409, "file_not_archived", "This file is not archived; download it directly.");
    const [open] = await tx.select().from(retrievals).where(and(eq(retrievals.fileId, file.id), inArray(retrievals.status, ["pending", "ready"]))).limit(1);
    if (open) throw new ApiError(409, "retrieval_exists", `This file already has a ${open.status} retrieval (${open.id}); follow it with GET /api/v1/retrievals/${open.id}.`);
    const storageClass = TIER_CLASS[file.storageTier] as ArchiveClass;
    const bytes = await retrievalBytes(file.id, tx);
    const estimate = estimateRetrieval(retrievalPricing(env().ARCHIVE_RETRIEVAL_PRICING), storageClass, input.tier, bytes);
    if (!estimate.ok) throw new ApiError(422, "retrieval_unavailable", estimate.reason);
    const [created] = await tx
      .insert(retrievals)
      .values({
        fileId: file.id, ownerId: file.ownerId, requestedBy: actorId(ctx.actor), storageClass, tier: input.tier, days: input.days, bytes,
        estimatedCost: estimate.cost, estimatedReadyAt: new Date(Date.now() + scaledMs(estimate.delayMs)),
      })
      .returning();
    await recordAuditEvent(
      { ...ctx, tx },
      { action: "file.retrieval.request", fileId: file.id, details: { retrievalId: created.id, storageClass, tier: input.tier, days: input.days, estimatedCost: estimate.cost } },
    );
    return created;
  });
  await inngest.send(retrievalRequested.create({ retrievalId: row.id }));
  return toRetrieval(row);
}

export async function listRetrievals(ctx: ServiceContext, query: z.infer<typeof listRetrievalsQuerySchema>) {
  const rows = await getDb()
    .select({ retrieval: retrievals, filename: files.filename })
    .from(retrievals)
    .innerJoin(files, eq(files.id, retrievals.fileId))
    .where(and(
      query.status ? eq(retrievals.status, query.status) : undefined,
      query.fileId ? eq(retrievals.fileId, query.fileId) : undefined,
      ...fileAccessConditions(ctx.actor),
    ))
    .orderBy(desc(retrievals.createdAt), desc(retrievals.id))
    .limit(query.limit);
  return { retrievals: rows.map((r) => toRetrieval(r.retrieval, r.filename)) };
}

export async function getRetrieval(ctx: ServiceContext, retrievalId: string) {
  const [row] = await getDb()
    .select({ retrieval: retrievals, filename: files.filename })
    .from(retrievals)
    .innerJoin(files, eq(files.id, retrievals.fileId))
    .where(and(eq(retrievals.id, retrievalId), ...fileAccessConditions(ctx.actor)));
  if (!row) throw notFound("Retrieval");
  return toRetrieval(row.retrieval, row.filename);
}

async function loadRetrieval(retrievalId: string): Promise<Retrieval | null> {
  const [row] = await getDb().select().from(retrievals).where(eq(retrievals.id, retrievalId));
  return row ?? null;
}

const system: ServiceContext = { actor: { type: "system", name: "archive-retrieval" } };

/** The workflow's first step: AWS starts its restores; the storage-class store has nothing to start. */
export async function startRetrieval(retrievalId: string): Promise<{ estimatedReadyAt: string | null }> {
  const row = await loadRetrieval(retrievalId);
  if (!row || row.status !== "pending") return { estimatedReadyAt: null };
  const store = archiveStore();
  for (const key of await fileObjectKeys(getDb(), row.fileId)) await store.startRetrieval(key, row.tier, row.days);
  return { estimatedReadyAt: row.estimatedReadyAt.toISOString() };
}

/**
 * Once the tier's delay has passed: when the store says every object is back, make them readable and
 * open the window of `days` (scaled). Idempotent; `ready: false` means AWS is still restoring.
 */
export async function completeRetrieval(retrievalId: string): Promise<{ ready: boolean; expiresAt: string | null }> {
  const row = await loadRetrieval(retrievalId);
  if (!row) return { ready: false, expiresAt: null };
  if (row.status !== "pending") return { ready: row.status === "ready", expiresAt: row.expiresAt?.toISOString() ?? null };
  const store = archiveStore();
  const keys = await fileObjectKeys(getDb(), row.fileId);
  for (const key of keys) if (!(await store.retrievalReady(key))) return { ready: false, expiresAt: null };
  for (const key of keys) await store.makeAvailable(key);
  const readyAt = new Date();
  const expiresAt = new Date(readyAt.getTime() + scaledMs(row.days * DAY_MS));
  await getDb().transaction(async (tx) => {
    const updated = await tx
      .update(retrievals)
      .set({ status: "ready", readyAt, expiresAt, updatedAt: readyAt })
      .where(and(eq(retrievals.id, row.id), eq(retrievals.status, "pending")))
      .returning({ id: retrievals.id });
    if (updated.length) {
      await recordAuditEvent({ ...system, tx }, { action: "file.retrieval.ready", fileId: row.fileId, details: { retrievalId: row.id, storageClass: row.storageClass, tier: row.tier, expiresAt: expiresAt.toISOString() } });
    }
  });
  return { ready: true, expiresAt: expiresAt.toISOString() };
}

/** The window is over: the content goes back to its class (storage-class store) and downloads are refused again. */
export async function expireRetrieval(retrievalId: string): Promise<{ expired: boolean }> {
  const row = await loadRetrieval(retrievalId);
  if (!row || row.status !== "ready" || (row.expiresAt && row.expiresAt > new Date())) return { expired: false };
  const store = archiveStore();
  // Objects first: until the row says expired, downloads are still allowed and must find their bytes.
  for (const key of await fileObjectKeys(getDb(), row.fileId)) await store.returnToArchive(key, row.storageClass);
  const expired = await getDb().transaction(async (tx) => {
    const updated = await tx
      .update(retrievals)
      .set({ status: "expired", updatedAt: new Date() })
      .where(and(eq(retrievals.id, row.id), eq(retrievals.status, "ready")))
      .returning({ id: retrievals.id });
    if (updated.length) {
      await recordAuditEvent({ ...system, tx }, { action: "file.archive", fileId: row.fileId, details: { storageClass: row.storageClass, reason: "retrieval_expired", retrievalId: row.id } });
    }
    return { expired: updated.length > 0 };
  });
  if (expired.expired) {
    await inngest.send({ ...fileArchived.create({ fileId: row.fileId, ownerId: row.ownerId, storageClass: row.storageClass, reason: "retrieval_expired" }), id: `file-archived-${row.id}` });
  }
  return expired;
}

/** Backstop for a workflow engine that lost its sleeps (a restart): finishes whatever is overdue. */
export async function sweepRetrievals(): Promise<{ readied: number; expired: number }> {
  const now = new Date();
  const due = await getDb()
    .select({ id: retrievals.id, status: retrievals.status })
    .from(retrievals)
    .where(or(and(eq(retrievals.status, "pending"), lte(retrievals.estimatedReadyAt, now)), and(eq(retrievals.status, "ready"), lte(retrievals.expiresAt, now))))
    .limit(500);
  let readied = 0;
  let expired = 0;
  for (const r of due) {
    if (r.status === "pending" && (await completeRetrieval(r.id)).ready) readied++;
    if (r.status === "ready" && (await expireRetrieval(r.id)).expired) expired++;
  }
  return { readied, expired };
}
