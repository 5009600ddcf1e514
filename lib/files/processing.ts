import "server-only";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, fileVersions, type FileStatus } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import { mediaBucket, s3 } from "@/lib/storage/s3";

/** Confirms the version's object is in the bucket with the recorded size. Safe to re-run. */
export async function verifyStoredVersion(fileId: string, versionId: string): Promise<{ ok: boolean; reason?: string }> {
  const [version] = await getDb()
    .select()
    .from(fileVersions)
    .where(and(eq(fileVersions.id, versionId), eq(fileVersions.fileId, fileId)));
  if (!version) return { ok: false, reason: "The file version no longer exists." };
  const head = await s3()
    .internal.send(new HeadObjectCommand({ Bucket: mediaBucket(), Key: version.objectKey }))
    .catch((err) => {
      if (err?.$metadata?.httpStatusCode === 404) return null;
      throw err;
    });
  if (!head) return { ok: false, reason: "The stored object is missing." };
  if (head.ContentLength !== version.size) {
    return { ok: false, reason: `Stored size ${head.ContentLength} does not match the recorded ${version.size} bytes.` };
  }
  return { ok: true };
}

/**
 * Sets the outcome of processing once; a re-run with the same outcome changes nothing. Says whether
 * this call made the change and whether the file is live, so the caller announces it only once.
 */
export async function recordProcessingOutcome(
  fileId: string,
  status: FileStatus,
  reason: string | null = null,
): Promise<{ changed: boolean; live: boolean }> {
  return getDb().transaction(async (tx) => {
    const updated = await tx
      .update(files)
      .set({ status, statusReason: reason, updatedAt: new Date() })
      .where(and(eq(files.id, fileId), eq(files.status, "processing")))
      .returning({ id: files.id, deletedAt: files.deletedAt });
    if (updated.length === 0) return { changed: false, live: false };
    await recordAuditEvent(
      tx,
      { actor: { type: "system", name: "processing" } },
      { action: "file.processed", fileId, outcome: status === "ready" ? "success" : "failure", details: { status, reason } },
    );
    return { changed: true, live: updated[0].deletedAt === null };
  });
}
