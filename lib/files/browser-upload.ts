import "server-only";
import { randomUUID } from "node:crypto";
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListPartsCommand,
  PutObjectCommand, UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { and, eq, gt, sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db/client";
import { files, fileVersions, uploadSessions, type UploadSession } from "@/db/schema";
import { ApiError, badRequest, conflict, notFound } from "@/lib/api/errors";
import { owningUserId, type ServiceContext } from "@/lib/auth/actor";
import { applyKeyRestrictions } from "./access";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { recordUpload } from "@/lib/metrics/record";
import { browserWriteHeaders, mediaBucket, originalObjectKey, s3 } from "@/lib/storage/s3";
import { announceFileEvent, uploadSource } from "./events";
import { sanitizeFilename } from "./filename";
import { assertAcceptableSize, assertAcceptableType } from "./media-types";
import { assertWithinQuota } from "./quota";
import { recordUploadedFile } from "./record-upload";
import { uploadEventId, type CreateUploadInput, type SignUploadRequestInput } from "./schemas";
import { toUploadResponse } from "./serialize";
import { findVisibleFile } from "./lookup";
import { headObjectOrNull } from "./stored-object";
import { abortMultipartUploadsAt, discardUploadObject } from "./upload-cleanup";
import { refuseFileFields } from "./version-upload";
import { recordNewVersion } from "./versions";

function requireUser(ctx: ServiceContext): string {
  const ownerId = owningUserId(ctx.actor);
  if (!ownerId) throw badRequest("Uploads need a signed-in user or an API key.");
  return ownerId;
}

/**
 * Step 1: validate what the browser wants to send and reserve an object key for it. With `fileId` the
 * upload is a new version of that (visible) file, counted against its owner's quota.
 */
export async function createUploadSession(ctx: ServiceContext, input: CreateUploadInput) {
  const ownerId = requireUser(ctx);
  const filename = sanitizeFilename(input.filename);
  const mimeType = assertAcceptableType(filename, input.mimeType);
  if (input.size === 0) throw badRequest("The file is empty.", "empty_file");
  assertAcceptableSize(input.size);
  const target = input.fileId ? await findVisibleFile(ctx, input.fileId) : null;
  if (target) refuseFileFields({ category: input.category, tags: input.tags?.length ? input.tags : undefined, metadata: input.metadata });
  const e = env();
  // A new version keeps its file's metadata and event; only a new file takes them from the request.
  const metadata = target ? {} : applyKeyRestrictions(ctx.actor, filename, input.metadata);
  const eventId = target ? null : uploadEventId(input.eventId, metadata);
  const fileId = target?.id ?? randomUUID();
  const versionId = randomUUID();
  const quotaOwnerId = target?.ownerId ?? ownerId;
  const session = await getDb().transaction(async (tx) => {
    const [row] = await tx
      .insert(uploadSessions)
      .values({
        ownerId, fileId, versionId, filename, mimeType, size: input.size, newVersion: target !== null,
        objectKey: originalObjectKey(fileId, versionId),
        category: input.category ?? "general",
        tags: input.tags ?? [],
        metadata: metadata ?? {},
        eventId,
        mode: input.size > e.MULTIPART_THRESHOLD_BYTES ? "multipart" : "single",
        expiresAt: new Date(Date.now() + e.UPLOAD_SESSION_TTL_SECONDS * 1000),
      })
      .returning();
    // Last, so the owner's usage row is locked for this call and the commit only. The session row is counted in
    // its uploader's reservations: when that is the quota's owner it is already in the sum.
    if (quotaOwnerId === ownerId) await assertWithinQuota(tx, ownerId, 0, input.size);
    else await assertWithinQuota(tx, quotaOwnerId, input.size);
    return row;
  });
  return {
    uploadId: session.id,
    key: session.objectKey,
    mode: session.mode,
    partSize: e.MULTIPART_PART_BYTES,
    filename,
    mimeType,
    expiresAt: session.expiresAt.toISOString(),
  };
}

async function findPendingSession(ownerId: string, where: ReturnType<typeof eq>): Promise<UploadSession> {
  const [session] = await getDb()
    .select()
    .from(uploadSessions)
    .where(and(where, eq(uploadSessions.ownerId, ownerId), eq(uploadSessions.status, "pending"), gt(uploadSessions.expiresAt, sql`now()`)));
  if (!session) throw notFound("Upload");
  return session;
}

/** Part n of a multipart upload: the part size, except the last part, which holds the remainder. */
export function expectedPartLength(size: number, partSize: number, partNumber: number): number {
  return Math.min(partSize, size - (partNumber - 1) * partSize);
}

/**
 * Step 2: sign exactly one S3 request for the browser. Only the session's own key, its own multipart
 * upload and a plausible part number are ever signed, and every write carries its exact length in
 * the signature (the browser sends Content-Length itself; S3 refuses any other length), so nothing
 * can store more than was reserved. No URL outlives its session.
 */
export async function signUploadRequest(ctx: ServiceContext, input: SignUploadRequestInput) {
  const session = await findPendingSession(requireUser(ctx), eq(uploadSessions.objectKey, input.key));
  const Bucket = mediaBucket();
  const Key = session.objectKey;
  const ContentType = session.mimeType;
  const client = s3().presign;
  const secondsLeft = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
  const expiresIn = Math.max(1, Math.min(env().PRESIGN_EXPIRES_SECONDS, secondsLeft));

  if (session.mode === "single") {
    if (input.method !== "PUT" || input.uploadId) throw badRequest("This upload is a single PUT.", "invalid_upload_request");
    return { url: await getSignedUrl(client, new PutObjectCommand({ Bucket, Key, ContentType, ContentLength: session.size }), { expiresIn }), key: Key, headers: { "content-type": ContentType, ...browserWriteHeaders() } };
  }
  if (!input.uploadId) {
    if (input.method !== "POST") throw badRequest("Start the multipart upload first.", "invalid_upload_request");
    return { url: await getSignedUrl(client, new CreateMultipartUploadCommand({ Bucket, Key, ContentType }), { expiresIn }), key: Key, headers: { "content-type": ContentType, ...browserWriteHeaders() } };
  }
  await bindMultipartUpload(session, input.uploadId);
  const UploadId = input.uploadId;
  switch (input.method) {
    case "PUT": {
      const partSize = env().MULTIPART_PART_BYTES;
      const maxParts = Math.ceil(session.size / partSize);
      if (!input.partNumber || input.partNumber > maxParts) throw badRequest(`Part number must be between 1 and ${maxParts}.`, "invalid_part_number");
      const ContentLength = expectedPartLength(session.size, partSize, input.partNumber);
      return { url: await getSignedUrl(client, new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: input.partNumber, ContentLength }), { expiresIn }) };
    }
    case "GET":
      return { url: await getSignedUrl(client, new ListPartsCommand({ Bucket, Key, UploadId }), { expiresIn }) };
    case "POST":
      return { url: await getSignedUrl(client, new CompleteMultipartUploadCommand({ Bucket, Key, UploadId }), { expiresIn }) };
    case "DELETE":
      return { url: await getSignedUrl(client, new AbortMultipartUploadCommand({ Bucket, Key, UploadId }), { expiresIn }) };
  }
}

/** The first signed part ties the S3 upload id to the session; any other id is refused afterwards. */
async function bindMultipartUpload(session: UploadSession, uploadId: string): Promise<void> {
  if (session.s3UploadId === uploadId) return;
  if (session.s3UploadId) throw conflict("This upload belongs to another multipart upload.");
  const bound = await getDb()
    .update(uploadSessions)
    .set({ s3UploadId: uploadId })
    .where(and(eq(uploadSessions.id, session.id), sql`${uploadSessions.s3UploadId} is null`))
    .returning({ id: uploadSessions.id });
  if (bound.length > 0) return;
  // Parts are signed in parallel: another request may have bound this same upload id a moment ago.
  const [current] = await getDb().select({ s3UploadId: uploadSessions.s3UploadId }).from(uploadSessions).where(eq(uploadSessions.id, session.id));
  if (current?.s3UploadId !== uploadId) throw conflict("This upload belongs to another multipart upload.");
}

/**
 * Step 3: the bytes are in the bucket. Check the object really is what was announced, then record the
 * file and its audit event in one transaction and tell the workflows.
 */
export async function completeUploadSession(ctx: ServiceContext, sessionId: string) {
  const ownerId = requireUser(ctx);
  const db = getDb();
  const [existing] = await db
    .select({ session: uploadSessions, file: files })
    .from(uploadSessions)
    .leftJoin(files, eq(files.id, uploadSessions.fileId))
    .where(and(eq(uploadSessions.id, sessionId), eq(uploadSessions.ownerId, ownerId)));
  if (!existing) throw notFound("Upload");
  // A retried completion (e.g. after a dropped response) returns the file it already created.
  if (existing.session.status === "completed" && existing.file) {
    if (!existing.session.newVersion) return toUploadResponse(existing.file);
    const [version] = await db.select({ version: fileVersions.version }).from(fileVersions).where(eq(fileVersions.id, existing.session.versionId));
    return { ...toUploadResponse(existing.file), version: version?.version };
  }
  const session = existing.session;
  // The claim below checks the same atomically; this refuses early, before asking storage.
  if (session.status !== "pending" || session.expiresAt.getTime() <= Date.now()) throw notFound("Upload");

  const head = await headObjectOrNull(session.objectKey);
  if (!head) throw conflict("The upload has not reached storage yet.");
  if (head.ContentLength !== session.size) {
    await discardSessionObject(session);
    throw new ApiError(422, "size_mismatch", `Expected ${session.size} bytes but storage holds ${head.ContentLength}.`);
  }

  if (session.newVersion) return completeVersionSession(ctx, session, head.ETag ?? null);
  const file = await db.transaction(async (tx) => {
    await claimSession(tx, session);
    return recordUploadedFile(tx, ctx, {
      fileId: session.fileId, versionId: session.versionId, ownerId, objectKey: session.objectKey,
      filename: session.filename, mimeType: session.mimeType, size: session.size,
      storageEtag: head.ETag ?? null, category: session.category, tags: session.tags, metadata: session.metadata,
      eventId: session.eventId, via: "browser",
    });
  });
  recordBrowserUpload(session);
  const source = uploadSource(ctx.actor, file.cameraId);
  await announceFileEvent({ name: "file/uploaded", data: { fileId: file.id, versionId: session.versionId, ownerId, source, cameraId: file.cameraId } });
  // A multipart upload the browser started but never used (a reload between starting it and its first part).
  if (session.mode === "multipart") await abortMultipartUploadsAt(session.objectKey, session.s3UploadId).catch((err) => logger.warn({ err, key: session.objectKey }, "could not abort stray multipart uploads"));
  return toUploadResponse(file);
}

/** A presigned upload's time runs from its session's start: the bytes went from the browser straight to S3. */
function recordBrowserUpload(session: UploadSession): void {
  recordUpload("browser_presigned", session.size, Math.max(0, (Date.now() - session.createdAt.getTime()) / 1000));
}

async function claimSession(tx: Tx, session: UploadSession): Promise<void> {
  const claimed = await tx
    .update(uploadSessions)
    .set({ status: "completed", completedAt: new Date() })
    .where(and(eq(uploadSessions.id, session.id), eq(uploadSessions.status, "pending"), gt(uploadSessions.expiresAt, sql`now()`)))
    .returning({ id: uploadSessions.id });
  if (claimed.length === 0) throw conflict("This upload was completed, cancelled or expired meanwhile.");
}

/** Step 3 of a new version: recorded as the file's next version, current once processing passes it. */
async function completeVersionSession(ctx: ServiceContext, session: UploadSession, storageEtag: string | null) {
  const { file, version } = await getDb().transaction(async (tx) => {
    await claimSession(tx, session);
    return recordNewVersion(tx, ctx, {
      fileId: session.fileId, versionId: session.versionId, objectKey: session.objectKey, size: session.size,
      mimeType: session.mimeType, storageEtag, via: "browser",
    });
  });
  recordBrowserUpload(session);
  const source = uploadSource(ctx.actor, file.cameraId);
  await announceFileEvent({ name: "file/uploaded", data: { fileId: file.id, versionId: version.id, ownerId: file.ownerId, source, cameraId: file.cameraId } });
  if (session.mode === "multipart") await abortMultipartUploadsAt(session.objectKey, session.s3UploadId).catch((err) => logger.warn({ err, key: session.objectKey }, "could not abort stray multipart uploads"));
  return { ...toUploadResponse(file), version: version.version };
}

/** Cancel: abort the multipart upload or remove a stray single object, and close the session. */
export async function abortUploadSession(ctx: ServiceContext, sessionId: string): Promise<void> {
  const session = await findPendingSession(requireUser(ctx), eq(uploadSessions.id, sessionId));
  await discardSessionObject(session);
}

async function discardSessionObject(session: UploadSession): Promise<void> {
  await discardUploadObject(session.objectKey, session.s3UploadId);
  await getDb().update(uploadSessions).set({ status: "aborted" }).where(eq(uploadSessions.id, session.id));
}

/**
 * `GET /api/uploads/{id}/parts`: the parts of a pending multipart upload already in storage, so a browser
 * that lost its page (a reload, a crash) sends only the rest when the same file is added again. Only the
 * session's owner may ask; another user's session, or one completed, cancelled or expired, is a 404. A part
 * of the wrong length (none can be signed) is left out, to be sent again.
 */
export async function listUploadedParts(ctx: ServiceContext, sessionId: string) {
  const session = await findPendingSession(requireUser(ctx), eq(uploadSessions.id, sessionId));
  const partSize = env().MULTIPART_PART_BYTES;
  const summary = { uploadId: session.id, key: session.objectKey, mode: session.mode, size: session.size, partSize, expiresAt: session.expiresAt.toISOString() };
  if (session.mode === "single" || !session.s3UploadId) return { ...summary, s3UploadId: null, parts: [] };
  const parts: { partNumber: number; etag: string; size: number }[] = [];
  let PartNumberMarker: string | undefined;
  do {
    const page = await s3()
      .internal.send(new ListPartsCommand({ Bucket: mediaBucket(), Key: session.objectKey, UploadId: session.s3UploadId, PartNumberMarker }))
      .catch((err) => {
        // The bound multipart upload is gone (aborted from outside): this session can never complete.
        if (err?.name === "NoSuchUpload" || err?.$metadata?.httpStatusCode === 404) throw notFound("Upload");
        throw err;
      });
    for (const p of page.Parts ?? []) {
      if (p.PartNumber && p.ETag && p.Size === expectedPartLength(session.size, partSize, p.PartNumber)) parts.push({ partNumber: p.PartNumber, etag: p.ETag, size: p.Size });
    }
    PartNumberMarker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (PartNumberMarker);
  return { ...summary, s3UploadId: session.s3UploadId, parts };
}
