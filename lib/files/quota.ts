import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import { ownerUsage, uploadSessions } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { env } from "@/lib/env";
import { formatBytes } from "@/lib/format";

/*
 * Stored bytes come from the owner's `owner_usage` row, which triggers on `file_versions` keep in the same
 * transaction as every change (migrations 0014, 0018; every uploaded version counts), so a check costs the
 * same at ten files or a million.
 * Uploads in flight are summed over the owner's pending sessions: those are few (each one reserves part of
 * the quota) and found through the (owner_id, status) index.
 */

/** Bytes an owner holds: stored files (trash included, it still takes space) plus uploads in flight. */
export async function bytesInUse(db: Database | Tx, ownerId: string): Promise<number> {
  const [row] = await db.execute<{ total: string }>(sql`
    select coalesce((select ${ownerUsage.bytesStored} from ${ownerUsage} where ${ownerUsage.ownerId} = ${ownerId}), 0)
         + ${pendingBytes(ownerId)} as total`);
  return Number(row.total);
}

function pendingBytes(ownerId: string) {
  return sql`coalesce((select sum(${uploadSessions.size}) from ${uploadSessions} where ${and(eq(uploadSessions.ownerId, ownerId), eq(uploadSessions.status, "pending"), gt(uploadSessions.expiresAt, sql`now()`))}), 0)`;
}

/**
 * Checks `incoming` more bytes fit the owner's quota. Locks the owner's usage row until `tx` ends, so
 * parallel reservations and recordings of one owner are checked one after another, each seeing the
 * rows the previous one wrote: the reservation or file row must be written in the same `tx`.
 */
export async function assertWithinQuota(tx: Tx, ownerId: string, incoming: number): Promise<void> {
  let [locked] = await lockUsage(tx, ownerId);
  if (!locked) {
    // The owner's first upload: make the row (a racing first upload may make it first), then lock it.
    await tx.insert(ownerUsage).values({ ownerId }).onConflictDoNothing();
    [locked] = await lockUsage(tx, ownerId);
  }
  // A separate statement after the lock: its snapshot sees what the previous holder committed.
  const [pending] = await tx.execute<{ total: string }>(sql`select ${pendingBytes(ownerId)} as total`);
  refuseOverQuota(locked.bytesStored + Number(pending.total), incoming);
}

/** The same check without the lock, for an early refusal before any byte is read (checked again when recording). */
export async function assertQuotaLeaves(db: Database | Tx, ownerId: string, incoming: number): Promise<void> {
  refuseOverQuota(await bytesInUse(db, ownerId), incoming);
}

function refuseOverQuota(used: number, incoming: number): void {
  const quota = env().USER_QUOTA_BYTES;
  if (used + incoming > quota) {
    throw new ApiError(413, "quota_exceeded", `This upload would exceed your storage quota of ${formatBytes(quota)} (${formatBytes(used)} in use).`);
  }
}

function lockUsage(tx: Tx, ownerId: string) {
  return tx.select({ bytesStored: ownerUsage.bytesStored }).from(ownerUsage).where(eq(ownerUsage.ownerId, ownerId)).for("update");
}
