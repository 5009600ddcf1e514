import "server-only";
import { and, asc, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db/client";
import { blobs, files, fileVariants, fileVersions, objectDeletions, processingJobs, uploadSessions, type FileRow } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import { enqueueFileRevocation } from "@/lib/cdn/queue";
import type { ServiceContext } from "@/lib/auth/actor";
import { legalHoldRefusal } from "@/lib/retention/holds";
import { blobSha256FromKey } from "@/lib/storage/s3";
import { deleteReleasedStorage, type ReleasedStorage } from "./release-storage";

/** Why a file was purged, in its `file.purge` audit row. */
export type PurgeReason = "manual" | "manual_skip_trash" | "retention";

/**
 * Deletes a file's rows (variants, processing jobs, upload sessions, versions, the file) in the caller's
 * transaction, with its `file.purge` audit row, and releases its storage in that same transaction: each
 * blob loses the references the versions held (a blob at zero is deleted later by the blob sweep, under
 * its row lock), and every other object no remaining row points at (variants, originals never
 * deduplicated, a version upload in flight) is queued in `object_deletions`.
 * Nothing is deleted from S3 here, so a crash at any point leaves no row pointing at a missing object.
 * The file row must be locked by the caller. Audit rows stay: the audit tables are insert-only.
 */
export async function purgeFileRows(ctx: ServiceContext & { tx: Tx }, file: FileRow, opts: { reason: PurgeReason }): Promise<ReleasedStorage> {
  const { tx } = ctx;
  // The one place every purge goes through: a held file's rows and objects stay, whoever asks.
  if (file.legalHold) throw legalHoldRefusal();
  // A trashed file left the edge when it was trashed; one purged straight from the files leaves it now.
  if (!file.deletedAt) await enqueueFileRevocation(tx, file.id, `purge:${file.id}`);
  const versions = await tx.select({ id: fileVersions.id, objectKey: fileVersions.objectKey }).from(fileVersions).where(eq(fileVersions.fileId, file.id));
  const versionIds = versions.map((v) => v.id);
  const variants = versionIds.length
    ? await tx.delete(fileVariants).where(inArray(fileVariants.versionId, versionIds)).returning({ objectKey: fileVariants.objectKey })
    : [];
  await tx.delete(processingJobs).where(eq(processingJobs.fileId, file.id));
  // A version upload still in flight goes with the file: its session now, its parts and object after the commit.
  const sessions = await tx
    .delete(uploadSessions)
    .where(eq(uploadSessions.fileId, file.id))
    .returning({ key: uploadSessions.objectKey, uploadId: uploadSessions.s3UploadId, status: uploadSessions.status });
  const abandonedUploads = sessions.filter((u) => u.status === "pending").map(({ key, uploadId }) => ({ key, uploadId }));
  await tx.delete(fileVersions).where(eq(fileVersions.fileId, file.id));
  await tx.delete(files).where(eq(files.id, file.id));

  // Several versions may share one blob (a restored version points at the same content): one reference each.
  const references = new Map<string, number>();
  const otherKeys = new Set([...variants.map((v) => v.objectKey), ...abandonedUploads.map((u) => u.key)]);
  for (const v of versions) {
    const sha = blobSha256FromKey(v.objectKey);
    if (sha) references.set(sha, (references.get(sha) ?? 0) + 1);
    else otherKeys.add(v.objectKey);
  }
  // Sorted, so two purges sharing blobs lock them in the same order.
  const blobShas = [...references.keys()].sort();
  for (const sha of blobShas) {
    await tx
      .update(blobs)
      .set({ refCount: sql`greatest(${blobs.refCount} - ${references.get(sha)!}, 0)`, updatedAt: new Date() })
      .where(eq(blobs.sha256, sha));
  }
  const objectKeys = await unreferencedKeys(tx, [...otherKeys]);
  if (objectKeys.length) {
    await tx
      .insert(objectDeletions)
      .values(objectKeys.map((objectKey) => ({ objectKey, reason: `purge:${file.id}` })))
      .onConflictDoNothing();
  }
  await recordAuditEvent(ctx, {
    action: "file.purge",
    fileId: file.id,
    details: {
      filename: file.filename,
      ownerId: file.ownerId,
      reason: opts.reason,
      deletedAt: file.deletedAt?.toISOString() ?? null,
      versions: versions.length,
      size: file.size,
    },
  });
  return { objectKeys, blobShas, abandonedUploads };
}

/** Of these keys (not blobs), the ones no version or variant row points at any more. */
async function unreferencedKeys(tx: Tx, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const versions = await tx.select({ key: fileVersions.objectKey }).from(fileVersions).where(inArray(fileVersions.objectKey, keys));
  const variants = await tx.select({ key: fileVariants.objectKey }).from(fileVariants).where(inArray(fileVariants.objectKey, keys));
  const held = new Set([...versions, ...variants].map((r) => r.key));
  return keys.filter((k) => !held.has(k));
}

export const PURGE_BATCH = 100;
const retention: ServiceContext = { actor: { type: "system", name: "trash-retention" } };

/**
 * One batch of the daily purge: files in the trash whose `purgeAfter` (TRASH_RETENTION_DAYS after the delete,
 * fixed then, so the date the owner was told holds) has passed, each purged in a transaction of its own, so a crash loses at most the one
 * in flight and the next run picks up the rest. A file restored meanwhile, or under legal hold, is skipped.
 * Storage is released after each commit; what that misses stays queued for `deleteQueuedObjects` and the
 * blob sweep.
 */
export async function purgeExpiredTrash(input: { limit?: number } = {}): Promise<{ purged: number; more: boolean }> {
  const asOf = new Date();
  const limit = input.limit ?? PURGE_BATCH;
  const due = await getDb()
    .select({ id: files.id })
    .from(files)
    .where(and(isNotNull(files.deletedAt), lte(files.purgeAfter, asOf), eq(files.legalHold, false)))
    .orderBy(asc(files.purgeAfter), asc(files.id))
    .limit(limit);
  let purged = 0;
  for (const { id } of due) {
    const released = await getDb().transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(files)
        .where(and(eq(files.id, id), isNotNull(files.deletedAt), lte(files.purgeAfter, asOf), eq(files.legalHold, false)))
        .for("update", { skipLocked: true });
      return row ? purgeFileRows({ ...retention, tx }, row, { reason: "retention" }) : null;
    });
    if (!released) continue;
    purged += 1;
    await deleteReleasedStorage(released);
  }
  // A batch that purged nothing (all locked or restored meanwhile) ends the run rather than spin.
  return { purged, more: purged > 0 && due.length === limit };
}
