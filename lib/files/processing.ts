import "server-only";
import type { Readable } from "node:stream";
import { and, eq, ne, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, fileVersions, processingJobs, type FileStatus, type FileVersionRow } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { countProcessingOutcome } from "@/lib/metrics/record";
import { sha256OfStream } from "@/lib/processing/checksum";
import { scanStream } from "@/lib/processing/clamav";
import { checkTypeConsistency, SNIFF_MAX_BYTES, sniffMediaType, type SniffedKind } from "@/lib/processing/sniff";
import { deduplicateVersion } from "./blobs";
import { headObjectOrNull, loadVersion, openObject, readObject } from "./stored-object";
import { makeCurrent } from "./versions";
import { enqueueCurrentVersionChange, enqueueFileRevocation, requestCdnInvalidationRun } from "@/lib/cdn/queue";

export type Check = { ok: true } | { ok: false; reason: string };

/** Where a step left the file: go on, or stop with the file's final status and why. */
export type Verdict<T = object> = ({ ok: true } & T) | { ok: false; status: Exclude<FileStatus, "processing" | "ready">; reason: string };

/**
 * The content check, one step: the stored object is there with the recorded size (else `failed`), one
 * stream through SHA-256 matches the size and the client's `checksum` (else `rejected`), and the version
 * then points at the one stored copy of that content (deduplication). Safe to re-run at any point: a
 * version already moved to its blob keeps the hash it was given then, and only the blob is checked.
 */
export async function verifyAndStoreContent(_ctx: ServiceContext, input: { fileId: string; versionId: string }): Promise<Verdict> {
  const { fileId, versionId } = input;
  const found = await loadVersion(fileId, versionId);
  if (!found) return { ok: false, status: "failed", reason: "The file version no longer exists." };
  const { version } = found;
  if (version.checksumSha256) {
    const head = await headObjectOrNull(version.objectKey);
    if (!head) return { ok: false, status: "failed", reason: "The stored object is missing." };
    return { ok: true };
  }
  const object = await openObject(version.objectKey).catch((err) => {
    if (err?.$metadata?.httpStatusCode === 404) return null;
    throw err;
  });
  if (!object) return { ok: false, status: "failed", reason: "The stored object is missing." };
  if (object.contentLength !== null && object.contentLength !== version.size) {
    object.body.destroy();
    return { ok: false, status: "failed", reason: `Stored size ${object.contentLength} does not match the recorded ${version.size} bytes.` };
  }
  const hash = await checkedHash(object, version);
  if ("reason" in hash) return { ok: false, status: "rejected", reason: hash.reason };
  const moved = await deduplicateVersion(fileId, versionId, hash.sha256, hash.size, hash.etag);
  return moved.ok ? moved : { ok: false, status: "rejected", reason: moved.reason };
}

/**
 * Streams the stored object once through SHA-256 and checks it against the recorded size and what
 * the client said it sent. Returns the ETag of the very bytes hashed, so the copy to the blob can
 * insist on them. A version already moved to its blob keeps the hash it was given then.
 */
export async function hashStoredVersion(
  fileId: string,
  versionId: string,
): Promise<{ sha256: string; size: number; etag: string | null } | { ok: false; reason: string }> {
  const found = await loadVersion(fileId, versionId);
  if (!found) return { ok: false, reason: "The file version no longer exists." };
  const { version } = found;
  if (version.checksumSha256) return { sha256: version.checksumSha256, size: version.size, etag: null };
  const hash = await checkedHash(await openObject(version.objectKey), version);
  return "reason" in hash ? { ok: false, reason: hash.reason } : hash;
}

async function checkedHash(
  object: { body: Readable; etag: string | null },
  version: { size: number; expectedSha256: string | null },
): Promise<{ sha256: string; size: number; etag: string | null } | { reason: string }> {
  const { sha256, size } = await sha256OfStream(object.body);
  if (size !== version.size) return { reason: `The stored object has ${size} bytes, not the ${version.size} recorded at upload.` };
  if (version.expectedSha256 && version.expectedSha256 !== sha256) {
    return { reason: `The stored bytes have SHA-256 ${sha256}, not the ${version.expectedSha256} the client sent.` };
  }
  return { sha256, size, etag: object.etag };
}

/**
 * The safety checks, one step: ClamAV first (infected → `quarantined`: malware dressed up as a photo is
 * reported, not merely rejected as an unknown type), then the real type from the first bytes. The
 * content wins over the declaration when both are acceptable (a PNG named .jpg is recorded as
 * image/png); anything else is `rejected` with why. Fails (and so retries) when clamd gives no verdict.
 */
export async function scanAndSniffStoredVersion(
  _ctx: ServiceContext,
  input: { fileId: string; versionId: string },
): Promise<Verdict<{ mimeType: string; kind: SniffedKind }>> {
  const { fileId, versionId } = input;
  const found = await loadVersion(fileId, versionId);
  if (!found) throw new Error("The file version no longer exists.");
  const key = found.version.objectKey;
  const scan = await scanStream(await readObject(key), { host: env().CLAMD_HOST, port: env().CLAMD_PORT });
  if (!scan.clean) return { ok: false, status: "quarantined", reason: `ClamAV found ${scan.signature}; the file is kept aside and never served.` };

  if (found.version.size === 0) return { ok: false, status: "rejected", reason: "The file is empty." };
  // Ranged, read only as far as detection needs, then closed: the object is never held whole.
  const head = await readObject(key, `bytes=0-${SNIFF_MAX_BYTES - 1}`);
  const sniffed = await sniffMediaType(head).finally(() => head.destroy());
  const check = checkTypeConsistency(found.version.mimeType, sniffed, env().ALLOWED_MIME_TYPES);
  if (!check.ok || !sniffed) return { ok: false, status: "rejected", reason: check.ok ? "The content type could not be read." : check.reason };
  const current = found.file.currentVersionId === versionId;
  if (check.mimeType !== found.version.mimeType || (current && check.mimeType !== found.file.mimeType)) {
    await getDb().transaction(async (tx) => {
      await tx.update(fileVersions).set({ mimeType: check.mimeType }).where(eq(fileVersions.id, versionId));
      await tx.update(files).set({ mimeType: check.mimeType }).where(and(eq(files.id, fileId), eq(files.currentVersionId, versionId)));
    });
  }
  return { ok: true, mimeType: check.mimeType, kind: sniffed.kind };
}

/**
 * Sets the outcome of processing once, and closes its job in the same transaction; a re-run with
 * the same outcome changes nothing. The version processed gets its own status. When it is the file's
 * current version (a first upload), the file takes the outcome. A new version that passes becomes the
 * current one (unless a newer version became current meanwhile); one that fails or is infected never
 * does, and the file keeps serving its previous version. A virus found always applies: a rescan that
 * finds malware in a current version that was ready (or rejected, or failed) quarantines the file.
 * Says whether this call made the change and whether the file is live, so the caller announces it only once.
 */
export async function recordProcessingOutcome(
  fileId: string,
  status: FileStatus,
  reason: string | null = null,
  versionId?: string,
): Promise<{ changed: boolean; live: boolean }> {
  let cdnQueued = false;
  const result = await getDb().transaction(async (tx) => {
    const outcomeApplies = (column: typeof files.status | typeof fileVersions.status) =>
      status === "quarantined" ? ne(column, "quarantined") : eq(column, "processing");
    let version: FileVersionRow | undefined;
    if (versionId) {
      await tx
        .update(processingJobs)
        .set({
          status: status === "failed" ? "failed" : "succeeded",
          // A step's own error (recorded as it failed) says more than the summary passed here.
          lastError: status === "failed" ? sql`coalesce(${processingJobs.lastError}, ${reason})` : null,
          finishedAt: new Date(),
          updatedAt: new Date(),
        })
        .where(and(eq(processingJobs.kind, "process-file"), eq(processingJobs.versionId, versionId)));
      [version] = await tx
        .update(fileVersions)
        .set({ status, statusReason: reason })
        .where(and(eq(fileVersions.id, versionId), outcomeApplies(fileVersions.status)))
        .returning();
    }
    const [file] = await tx.select().from(files).where(eq(files.id, fileId)).for("update");
    if (!file) return { changed: false, live: false };
    const live = file.deletedAt === null;
    if (!versionId || file.currentVersionId === versionId) {
      const updated = await tx
        .update(files)
        .set({ status, statusReason: reason, updatedAt: new Date() })
        .where(and(eq(files.id, fileId), outcomeApplies(files.status)))
        .returning({ id: files.id });
      if (updated.length === 0) return { changed: false, live: false };
      // A file that was served and is now found unsafe leaves the edge too.
      if (status === "quarantined" && file.status === "ready") {
        await enqueueFileRevocation(tx, fileId, `quarantine:${fileId}`);
        cdnQueued = true;
      }
      countProcessingOutcome(status);
      await recordAuditEvent(
        { tx, actor: { type: "system", name: "processing" } },
        { action: "file.processed", fileId, outcome: status === "ready" ? "success" : "failure", details: { status, reason, ...(version ? { version: version.version } : {}) } },
      );
      return { changed: true, live };
    }
    if (!version) return { changed: false, live: false };
    const current = file.currentVersionId
      ? (await tx.select({ version: fileVersions.version }).from(fileVersions).where(eq(fileVersions.id, file.currentVersionId)))[0]
      : undefined;
    const promoted = status === "ready" && (!current || version.version > current.version);
    if (promoted) await makeCurrent(tx, fileId, version);
    // The edge may hold the previous current version under the file's path.
    if (promoted && current) {
      await enqueueCurrentVersionChange(tx, fileId, `version:${version.id}`);
      cdnQueued = true;
    }
    countProcessingOutcome(status);
    await recordAuditEvent(
      { tx, actor: { type: "system", name: "processing" } },
      {
        action: "file.processed",
        fileId,
        outcome: status === "ready" ? "success" : "failure",
        details: { status, reason, version: version.version, current: promoted },
      },
    );
    return { changed: true, live };
  });
  if (cdnQueued) await requestCdnInvalidationRun();
  return result;
}
