import "server-only";
import { CopyObjectCommand, DeleteObjectCommand } from "@aws-sdk/client-s3";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { blobs, files, fileVersions } from "@/db/schema";
import { blobObjectKey, mediaBucket, originalObjectKey, s3 } from "@/lib/storage/s3";

/**
 * Points a version at the one stored copy of its content. The first upload of some bytes is copied
 * server-side to `blobs/sha256/<hash>`; later uploads of the same bytes just take a reference. The
 * uploaded original is deleted only after the version points at the blob, so a re-run after any
 * crash finds either the original or the blob. Returns the version's object key.
 */
export async function deduplicateVersion(fileId: string, versionId: string, sha256: string, size: number): Promise<string> {
  const key = blobObjectKey(sha256);
  const original = originalObjectKey(fileId, versionId);
  const db = getDb();
  const [current] = await db.select().from(fileVersions).where(eq(fileVersions.id, versionId));
  if (!current) throw new Error(`Version ${versionId} no longer exists.`);
  if (current.objectKey !== key) {
    const [existing] = await db.select().from(blobs).where(eq(blobs.sha256, sha256));
    // Copying over an existing blob would rewrite the same bytes; skipping it keeps a blob's ETag stable.
    if (!existing) await copyObject(current.objectKey, key);
    await db.transaction(async (tx) => {
      const [locked] = await tx.select().from(fileVersions).where(eq(fileVersions.id, versionId)).for("update");
      if (locked.objectKey === key) return;
      await tx
        .insert(blobs)
        .values({ sha256, objectKey: key, size, refCount: 1 })
        .onConflictDoUpdate({ target: blobs.sha256, set: { refCount: sql`${blobs.refCount} + 1`, updatedAt: new Date() } });
      await tx.update(fileVersions).set({ objectKey: key, checksumSha256: sha256 }).where(eq(fileVersions.id, versionId));
      await tx.update(files).set({ checksumSha256: sha256, updatedAt: new Date() }).where(eq(files.id, fileId));
    });
  }
  // Idempotent: a re-run after a crash between the commit and this delete finishes the job.
  await s3().internal.send(new DeleteObjectCommand({ Bucket: mediaBucket(), Key: original }));
  return key;
}

async function copyObject(from: string, to: string): Promise<void> {
  await s3().internal.send(
    new CopyObjectCommand({ Bucket: mediaBucket(), Key: to, CopySource: `${mediaBucket()}/${from.split("/").map(encodeURIComponent).join("/")}` }),
  );
}
