import "server-only";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { and, asc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { blobs, objectDeletions } from "@/db/schema";
import { whileNoBackupRuns } from "@/lib/backup/lock";
import { logger } from "@/lib/log";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { discardUploadObject } from "./upload-cleanup";

/** What a purge gave up: objects queued for deletion, blobs that lost references (maybe to zero), uploads in flight. */
export interface ReleasedStorage {
  objectKeys: string[];
  blobShas: string[];
  /** Multipart uploads to abort (their keys are queued too); one missed here is aborted by the upload sweep. */
  abandonedUploads: { key: string; uploadId: string | null }[];
}

const BATCH = 500;

async function deleteObject(key: string): Promise<void> {
  // S3 answers 204 for a key that is already gone, so a repeat is harmless.
  await s3().internal.send(new DeleteObjectCommand({ Bucket: mediaBucket(), Key: key }));
}

/**
 * Right after a purge commits: aborts its uploads in flight, deletes what it queued and the blobs it brought
 * to zero references. A failure here loses nothing (the queue and the zero counts stay for the daily run),
 * so it is logged, not thrown.
 */
export async function deleteReleasedStorage(released: ReleasedStorage): Promise<void> {
  try {
    for (const upload of released.abandonedUploads) await discardUploadObject(upload.key, upload.uploadId);
    await deleteQueuedObjects({ keys: released.objectKeys });
    await sweepUnreferencedBlobs({ shas: released.blobShas });
  } catch (err) {
    logger.warn({ err, objects: released.objectKeys.length, blobs: released.blobShas.length }, "purge left storage for the next sweep");
  }
}

/**
 * Deletes objects queued in `object_deletions` (all of them in batches, or only `keys`): the object
 * first, then its queue row, so a crash in between only repeats a delete. While a backup runs, nothing is
 * deleted (the purge lease, lib/backup/lock.ts): the queue waits for the run's end, which asks for a purge.
 */
export async function deleteQueuedObjects(input: { keys?: string[]; limit?: number } = {}): Promise<{ deletedObjects: number; deferredForBackup?: true }> {
  if (input.keys?.length === 0) return { deletedObjects: 0 };
  const limit = input.limit ?? BATCH;
  let deletedObjects = 0;
  for (;;) {
    const pass = await whileNoBackupRuns(async (tx) => {
      const batch = await tx
        .select({ objectKey: objectDeletions.objectKey })
        .from(objectDeletions)
        .where(input.keys ? inArray(objectDeletions.objectKey, input.keys) : undefined)
        .orderBy(asc(objectDeletions.requestedAt))
        .limit(limit);
      for (const { objectKey } of batch) {
        await deleteObject(objectKey);
        await tx.delete(objectDeletions).where(eq(objectDeletions.objectKey, objectKey));
      }
      return batch.length;
    });
    if (!pass.ran) return { deletedObjects, deferredForBackup: true };
    deletedObjects += pass.result;
    if (pass.result < limit || input.keys) return { deletedObjects };
  }
}

/**
 * Deletes blobs no version references any more (all of them in batches, or only `shas`). Each one is
 * deleted under its row lock: the object first, then the row. Processing takes the same lock before it
 * gives such a blob a new reference, and writes its bytes again if they are gone (lib/files/blobs.ts), so
 * a blob that is referenced always has its object, whichever side wins, and a crash or a failed delete
 * leaves the row at zero for the next run.
 */
export async function sweepUnreferencedBlobs(input: { shas?: string[]; limit?: number } = {}): Promise<{ deletedBlobs: number; deferredForBackup?: true }> {
  if (input.shas?.length === 0) return { deletedBlobs: 0 };
  const limit = input.limit ?? BATCH;
  let deletedBlobs = 0;
  const skipped = new Set<string>();
  for (;;) {
    const candidates = await getDb()
      .select({ sha256: blobs.sha256 })
      .from(blobs)
      .where(and(eq(blobs.refCount, 0), input.shas ? inArray(blobs.sha256, input.shas) : undefined))
      .orderBy(asc(blobs.updatedAt))
      .limit(limit + skipped.size);
    const fresh = candidates.filter((c) => !skipped.has(c.sha256));
    for (const { sha256 } of fresh) {
      const pass = await whileNoBackupRuns(async (tx) => {
        const [blob] = await tx
          .select()
          .from(blobs)
          .where(and(eq(blobs.sha256, sha256), eq(blobs.refCount, 0)))
          .for("update", { skipLocked: true });
        if (!blob) return false;
        await deleteObject(blob.objectKey);
        await tx.delete(blobs).where(eq(blobs.sha256, sha256));
        return true;
      });
      // A backup is running: its snapshot may name this blob; the sweep after the run deletes it.
      if (!pass.ran) return { deletedBlobs, deferredForBackup: true };
      const deleted = pass.result;
      if (deleted) deletedBlobs += 1;
      // Taken again or locked by processing: not this run's to delete.
      else skipped.add(sha256);
    }
    if (fresh.length < limit || input.shas) return { deletedBlobs };
  }
}
