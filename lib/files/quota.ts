import "server-only";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import { ownerUsage, uploadSessions } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { env } from "@/lib/env";
import { formatBytes } from "@/lib/format";

/*
 * Stored bytes come from the owner's `owner_usage` row, which triggers on `file_versions` keep (every uploaded
 * version counts; migrations 0014, 0021: an insert is counted at commit, so the check below runs last), so a
 * check costs the same at ten files or a million.
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
 * Checks the owner's quota holds, as the last statement of `tx` before it commits: one call locks the owner's
 * usage row until `tx` ends and reads what is in use, so parallel reservations and recordings of one owner are
 * checked one after another, each seeing what the previous one committed, while the lock is held for that call
 * and the commit alone (migrations 0017, 0022: the usage counter itself is updated at commit). `incoming` is the bytes
 * this transaction adds that the count does not include yet: a version row written in `tx` (its counter update waits
 * for the commit), or 0 when a pending session row written in `tx` already holds them (`reservedInTx` says how
 * much of the count it is, for the message).
 */
export async function assertWithinQuota(tx: Tx, ownerId: string, incoming: number, reservedInTx = 0): Promise<void> {
  const [row] = await tx.execute<{ total: string }>(sql`select owner_bytes_in_use_locked(${ownerId}::uuid) as total`);
  refuseOverQuota(Number(row.total) - reservedInTx, incoming + reservedInTx);
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
