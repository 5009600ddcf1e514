import "server-only";
import { CopyObjectCommand, DeleteObjectCommand } from "@aws-sdk/client-s3";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { blobs, files, fileVersions } from "@/db/schema";
import { objectIsArchived } from "@/lib/archive/eligibility";
import { blobObjectKey, mediaBucket, originalObjectKey, s3 } from "@/lib/storage/s3";
import type { Check } from "./processing";
import { deleteObjectQuietly, headObjectOrNull } from "./stored-object";

/**
 * Points a version at the one stored copy of its content. The first upload of some bytes is copied
 * server-side to `blobs/sha256/<hash>`, on condition that the original still has the ETag of the
 * bytes that were hashed (its PUT URL may still be live); later uploads of the same bytes just take
 * a reference. The uploaded original is deleted only after the version points at the blob, so a
 * re-run after any crash finds either the original or the blob.
 *
 * A blob with no references may be deleted at any moment by the blob sweep (lib/files/release-storage.ts),
 * which deletes its object and then its row while holding the row lock. So the reference is taken under
 * that lock: a blob that already has references has its object; one at zero (or just created) is checked
 * with HeadObject while the lock is held, and its bytes copied again if the sweep took them.
 */
export async function deduplicateVersion(fileId: string, versionId: string, sha256: string, size: number, hashedEtag: string | null): Promise<Check> {
  const key = blobObjectKey(sha256);
  const original = originalObjectKey(fileId, versionId);
  const db = getDb();
  const [current] = await db.select().from(fileVersions).where(eq(fileVersions.id, versionId));
  if (!current) throw new Error(`Version ${versionId} no longer exists.`);
  if (current.objectKey !== key) {
    const [existing] = await db.select().from(blobs).where(eq(blobs.sha256, sha256));
    // Copying over an existing blob would rewrite the same bytes; skipping it keeps a blob's ETag stable.
    // Most content is new: its copy is made here, outside the transaction, and only checked inside.
    if (!existing) {
      const copied = await copyHashedObject(current.objectKey, key, hashedEtag);
      if (!copied.ok) return copied;
    }
    const taken = await db.transaction(async (tx): Promise<Check & { kept?: boolean }> => {
      const [locked] = await tx.select().from(fileVersions).where(eq(fileVersions.id, versionId)).for("update");
      if (!locked) throw new Error(`Version ${versionId} no longer exists.`);
      if (locked.objectKey === key) return { ok: true };
      await tx.insert(blobs).values({ sha256, objectKey: key, size, refCount: 0 }).onConflictDoNothing();
      const [blob] = await tx.select().from(blobs).where(eq(blobs.sha256, sha256)).for("update");
      // Content an archived file holds is cold: the new upload keeps its own hot copy instead of sharing it
      // (the archive run takes this same lock before it records a move, see lib/archive/move.ts).
      if (blob.refCount > 0 && (await objectIsArchived(tx, key))) {
        await tx.update(fileVersions).set({ checksumSha256: sha256 }).where(eq(fileVersions.id, versionId));
        await tx.update(files).set({ checksumSha256: sha256, updatedAt: new Date() }).where(and(eq(files.id, fileId), eq(files.currentVersionId, versionId)));
        return { ok: true, kept: true };
      }
      if (blob.refCount === 0 && !(await headObjectOrNull(key))) {
        const copied = await copyHashedObject(locked.objectKey, key, hashedEtag);
        if (!copied.ok) return copied;
      }
      await tx.update(blobs).set({ refCount: sql`${blobs.refCount} + 1`, updatedAt: new Date() }).where(eq(blobs.sha256, sha256));
      await tx.update(fileVersions).set({ objectKey: key, checksumSha256: sha256 }).where(eq(fileVersions.id, versionId));
      // A new version that is not current yet leaves the file's checksum alone until it becomes current.
      await tx.update(files).set({ checksumSha256: sha256, updatedAt: new Date() }).where(and(eq(files.id, fileId), eq(files.currentVersionId, versionId)));
      return { ok: true };
    });
    if (!taken.ok || taken.kept) return taken;
  }
  // Idempotent: a re-run after a crash between the commit and this delete finishes the job.
  await s3().internal.send(new DeleteObjectCommand({ Bucket: mediaBucket(), Key: original }));
  return { ok: true };
}

const CHANGED = "The upload changed after it was checked (its bytes were written again); nothing was stored.";

/**
 * Copies `from` to `to` only if `from` still holds the bytes that were hashed. S3 enforces
 * CopySourceIfMatch; Ceph RGW (16) ignores it on a local copy, so the copy's own ETag is compared
 * too, and a copy of other bytes is removed again before anything points at it.
 */
async function copyHashedObject(from: string, to: string, hashedEtag: string | null): Promise<Check> {
  if (!hashedEtag) return { ok: false, reason: "The stored object has no ETag to check the copy against." };
  const result = await s3()
    .internal.send(
      new CopyObjectCommand({
        Bucket: mediaBucket(),
        Key: to,
        CopySource: `${mediaBucket()}/${from.split("/").map(encodeURIComponent).join("/")}`,
        CopySourceIfMatch: hashedEtag,
      }),
    )
    .catch((err) => {
      if (err?.$metadata?.httpStatusCode === 412) return null;
      throw err;
    });
  if (!result) return { ok: false, reason: CHANGED };
  if (!sameContentEtag(hashedEtag, result.CopyObjectResult?.ETag)) {
    await deleteObjectQuietly(to);
    return { ok: false, reason: CHANGED };
  }
  return { ok: true };
}

/**
 * Whether a copy's ETag names the same bytes as the source's. Only ETags of one kind compare: a
 * multipart source ("<md5>-<parts>") copied by an S3 that rewrites it as a plain MD5 is covered by
 * CopySourceIfMatch alone.
 */
function sameContentEtag(source: string, copy: string | undefined): boolean {
  const clean = (etag: string) => etag.replace(/^W\//, "").replace(/"/g, "");
  if (!copy) return false;
  const [a, b] = [clean(source), clean(copy)];
  return a === b || a.includes("-") !== b.includes("-");
}
