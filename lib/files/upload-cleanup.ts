import "server-only";
import {
  AbortMultipartUploadCommand, DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type MultipartUpload,
} from "@aws-sdk/client-s3";
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { fileVersions, uploadSessions } from "@/db/schema";
import { env } from "@/lib/env";
import { mediaBucket, s3 } from "@/lib/storage/s3";

const ORIGINALS_PREFIX = "originals/";
const ORIGINAL_KEY = /^originals\/([0-9a-f-]{36})\/([0-9a-f-]{36})$/;
const BATCH = 500;

async function abortMultipartUpload(key: string, uploadId: string): Promise<void> {
  await s3()
    .internal.send(new AbortMultipartUploadCommand({ Bucket: mediaBucket(), Key: key, UploadId: uploadId }))
    .catch((err) => {
      if (err?.name !== "NoSuchUpload" && err?.$metadata?.httpStatusCode !== 404) throw err;
    });
}

/** Every multipart upload in progress under `prefix`, page by page. */
async function* multipartUploads(prefix: string): AsyncGenerator<MultipartUpload> {
  let KeyMarker: string | undefined;
  let UploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3().internal.send(new ListMultipartUploadsCommand({ Bucket: mediaBucket(), Prefix: prefix, KeyMarker, UploadIdMarker }));
    yield* page.Uploads ?? [];
    if (!page.IsTruncated) return;
    KeyMarker = page.NextKeyMarker;
    UploadIdMarker = page.NextUploadIdMarker;
  }
}

/** Aborts every multipart upload still open at exactly `key`, except `keep`. Safe to repeat. */
export async function abortMultipartUploadsAt(key: string, keep: string | null = null): Promise<void> {
  for await (const upload of multipartUploads(key)) {
    if (upload.Key === key && upload.UploadId && upload.UploadId !== keep) await abortMultipartUpload(key, upload.UploadId);
  }
}

/**
 * Removes whatever an upload left at `key`: every multipart upload started there (the browser may
 * have started one the session never heard of) and the object itself. Safe to repeat.
 */
export async function discardUploadObject(key: string, knownUploadId: string | null = null): Promise<void> {
  if (knownUploadId) await abortMultipartUpload(key, knownUploadId);
  await abortMultipartUploadsAt(key, knownUploadId);
  await s3().internal.send(new DeleteObjectCommand({ Bucket: mediaBucket(), Key: key }));
}

/**
 * Expires browser uploads whose time is up, a batch at a time: the session is marked expired first
 * (so it can no longer be completed, and its reservation no longer counts against the quota), then
 * its multipart upload and object are removed. Should removal fail, the retry or the next run's
 * unowned-object pass finishes it.
 */
export async function expireUploadSessions(input: { batchSize?: number } = {}): Promise<{ expired: number }> {
  const limit = input.batchSize ?? BATCH;
  let expired = 0;
  for (;;) {
    const due = getDb()
      .select({ id: uploadSessions.id })
      .from(uploadSessions)
      .where(and(eq(uploadSessions.status, "pending"), lte(uploadSessions.expiresAt, sql`now()`)))
      .limit(limit);
    const batch = await getDb()
      .update(uploadSessions)
      .set({ status: "expired" })
      .where(and(inArray(uploadSessions.id, due), eq(uploadSessions.status, "pending")))
      .returning({ objectKey: uploadSessions.objectKey, s3UploadId: uploadSessions.s3UploadId });
    for (const session of batch) await discardUploadObject(session.objectKey, session.s3UploadId);
    expired += batch.length;
    if (batch.length < limit) return { expired };
  }
}

/** Which of these `originals/` keys a pending upload session or a file version still points at. */
async function ownedKeys(keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const versionIds = keys.map((k) => ORIGINAL_KEY.exec(k)?.[2]).filter((id): id is string => !!id);
  const [sessions, versions] = await Promise.all([
    getDb().select({ key: uploadSessions.objectKey }).from(uploadSessions).where(and(inArray(uploadSessions.objectKey, keys), eq(uploadSessions.status, "pending"))),
    versionIds.length ? getDb().select({ key: fileVersions.objectKey }).from(fileVersions).where(inArray(fileVersions.id, versionIds)) : [],
  ]);
  return new Set([...sessions, ...versions].map((r) => r.key));
}

/**
 * Deletes uploaded bytes nobody owns: objects and multipart uploads under `originals/` whose key no
 * pending session or file version points at (bytes PUT through a URL after its session completed or
 * expired, leftovers of a crash). Anything younger than the grace period is left alone, since an API
 * upload writes its object just before recording its row. Safe to repeat.
 */
export async function deleteUnownedUploadObjects(input: { graceSeconds?: number } = {}): Promise<{ deletedObjects: number; abortedUploads: number }> {
  const cutoff = Date.now() - (input.graceSeconds ?? env().UPLOAD_SESSION_TTL_SECONDS) * 1000;
  let deletedObjects = 0;
  let ContinuationToken: string | undefined;
  do {
    const page = await s3().internal.send(new ListObjectsV2Command({ Bucket: mediaBucket(), Prefix: ORIGINALS_PREFIX, ContinuationToken, MaxKeys: BATCH }));
    const old = (page.Contents ?? []).filter((o) => o.Key && o.LastModified && o.LastModified.getTime() < cutoff).map((o) => o.Key!);
    const owned = await ownedKeys(old);
    for (const key of old.filter((k) => !owned.has(k))) {
      await s3().internal.send(new DeleteObjectCommand({ Bucket: mediaBucket(), Key: key }));
      deletedObjects += 1;
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);

  let abortedUploads = 0;
  const stale: MultipartUpload[] = [];
  for await (const upload of multipartUploads(ORIGINALS_PREFIX)) {
    if (upload.Key && upload.UploadId && upload.Initiated && upload.Initiated.getTime() < cutoff) stale.push(upload);
  }
  for (let i = 0; i < stale.length; i += BATCH) {
    const batch = stale.slice(i, i + BATCH);
    const owned = await ownedKeys([...new Set(batch.map((u) => u.Key!))]);
    for (const upload of batch.filter((u) => !owned.has(u.Key!))) {
      await abortMultipartUpload(upload.Key!, upload.UploadId!);
      abortedUploads += 1;
    }
  }
  return { deletedObjects, abortedUploads };
}
