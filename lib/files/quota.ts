import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import { files, uploadSessions } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { env } from "@/lib/env";
import { formatBytes } from "@/lib/format";

/** Bytes an owner holds: stored files (trash included, it still takes space) plus uploads in flight. */
export async function bytesInUse(db: Database | Tx, ownerId: string): Promise<number> {
  const [stored] = await db
    .select({ total: sql<string>`coalesce(sum(${files.size}), 0)` })
    .from(files)
    .where(eq(files.ownerId, ownerId));
  const [pending] = await db
    .select({ total: sql<string>`coalesce(sum(${uploadSessions.size}), 0)` })
    .from(uploadSessions)
    .where(and(eq(uploadSessions.ownerId, ownerId), eq(uploadSessions.status, "pending"), gt(uploadSessions.expiresAt, sql`now()`)));
  return Number(stored.total) + Number(pending.total);
}

/**
 * Checks `incoming` more bytes fit the owner's quota. Takes a per-owner lock held until `tx` ends, so
 * parallel reservations and recordings of one owner are checked one after another, each seeing the
 * rows the previous one wrote: the reservation or file row must be written in the same `tx`.
 */
export async function assertWithinQuota(tx: Tx, ownerId: string, incoming: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`quota:${ownerId}`}))`);
  const quota = env().USER_QUOTA_BYTES;
  const used = await bytesInUse(tx, ownerId);
  if (used + incoming > quota) {
    throw new ApiError(413, "quota_exceeded", `This upload would exceed your storage quota of ${formatBytes(quota)} (${formatBytes(used)} in use).`);
  }
}
