import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { enqueueFileRevocation, requestCdnInvalidationRun } from "@/lib/cdn/queue";
import { env } from "@/lib/env";
import { legalHoldRefusal } from "@/lib/retention/holds";
import { announceFileEvent } from "./events";
import { lockVisibleFile } from "./lookup";
import { purgeFileRows } from "./purge";
import { deleteReleasedStorage } from "./release-storage";
import { toFileSummary } from "./serialize";

// The trash (L1): a deleted file keeps every row and object, and still counts against its owner's quota,
// until it is restored or purged (by hand, or by the daily `purge-trash` workflow after TRASH_RETENTION_DAYS).
// Bulk actions call these one id at a time.

/**
 * `DELETE /api/v1/files/{id}` (and bulk delete, and the retention run, whose `details` name the rule): moves the
 * file to the trash; it is purged after the retention window. A file under legal hold is refused (409 legal_hold).
 */
export async function trashFile(ctx: ServiceContext, fileId: string, opts: { details?: Record<string, unknown> } = {}) {
  const deletedAt = new Date();
  const purgeAfter = new Date(deletedAt.getTime() + env().TRASH_RETENTION_DAYS * 86_400_000);
  const file = await getDb().transaction(async (tx) => {
    const row = await lockVisibleFile(ctx, tx, fileId);
    if (row.legalHold) throw legalHoldRefusal();
    await tx.update(files).set({ deletedAt, purgeAfter, updatedAt: deletedAt }).where(eq(files.id, row.id));
    await enqueueFileRevocation(tx, row.id, `trash:${row.id}`);
    await recordAuditEvent({ ...ctx, tx }, { action: "file.delete", fileId: row.id, details: { filename: row.filename, purgeAfter: purgeAfter.toISOString(), ...opts.details } });
    return row;
  });
  await requestCdnInvalidationRun();
  await announceFileEvent({ name: "file/deleted", data: { fileId: file.id, ownerId: file.ownerId } });
  return {
    success: true,
    message: `"${file.filename}" was moved to the trash and will be purged after ${purgeAfter.toISOString().slice(0, 10)}.`,
    deletedAt: deletedAt.toISOString(),
  };
}

/**
 * `POST /api/v1/files/{id}/restore`: brings a trashed file back as it was. Idempotent: a file that is not in
 * the trash answers 200 with `restored: false` and changes nothing (a retried request must not fail); a purged
 * file, or another owner's, is a 404. Quota is untouched: trashed files never stopped counting.
 */
export async function restoreFile(ctx: ServiceContext, fileId: string) {
  const { row, restored } = await getDb().transaction(async (tx) => {
    const found = await lockVisibleFile(ctx, tx, fileId, { includeTrashed: true });
    if (!found.deletedAt) return { row: found, restored: false };
    const [back] = await tx
      .update(files)
      .set({ deletedAt: null, purgeAfter: null, updatedAt: new Date() })
      .where(eq(files.id, found.id))
      .returning();
    await recordAuditEvent({ ...ctx, tx }, { action: "file.restore", fileId: found.id, details: { filename: found.filename, deletedAt: found.deletedAt.toISOString() } });
    return { row: back, restored: true };
  });
  return {
    success: true,
    restored,
    message: restored ? `"${row.filename}" was restored from the trash.` : `"${row.filename}" is not in the trash; nothing changed.`,
    file: toFileSummary(row),
  };
}

/**
 * `DELETE /api/v1/files/{id}?permanent=true`: purges a file now, from the trash or straight from the
 * files (owner or admin; never under legal hold). The rows go in one transaction with the `file.purge`
 * audit row; the objects nobody else references are deleted after it commits (see purge.ts).
 */
export async function purgeFile(ctx: ServiceContext, fileId: string) {
  const purgedAt = new Date();
  const { file, released } = await getDb().transaction(async (tx) => {
    const row = await lockVisibleFile(ctx, tx, fileId, { includeTrashed: true });
    if (row.legalHold) throw legalHoldRefusal();
    return { file: row, released: await purgeFileRows({ ...ctx, tx }, row, { reason: row.deletedAt ? "manual" : "manual_skip_trash" }) };
  });
  if (!file.deletedAt) {
    await requestCdnInvalidationRun();
    await announceFileEvent({ name: "file/deleted", data: { fileId: file.id, ownerId: file.ownerId } });
  }
  await deleteReleasedStorage(released);
  return {
    success: true,
    message: `"${file.filename}" was deleted permanently.`,
    deletedAt: (file.deletedAt ?? purgedAt).toISOString(),
    purgedAt: purgedAt.toISOString(),
  };
}
