import "server-only";
import { randomUUID } from "node:crypto";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { Upload } from "@aws-sdk/lib-storage";
import busboy from "busboy";
import { parseClientJson } from "@/lib/api/json";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ApiError, badRequest, payloadTooLarge } from "@/lib/api/errors";
import { owningUserId, type ServiceContext } from "@/lib/auth/actor";
import { applyKeyRestrictions } from "./access";
import { env } from "@/lib/env";
import { recordUpload, secondsSince } from "@/lib/metrics/record";
import { formatBytes } from "@/lib/format";
import { mediaBucket, originalObjectKey, s3 } from "@/lib/storage/s3";
import { announceFileEvent, uploadSource } from "./events";
import { sanitizeFilename } from "./filename";
import { assertAcceptableType } from "./media-types";
import { assertQuotaLeaves, assertWithinQuota } from "./quota";
import { recordUploadedFile } from "./record-upload";
import { categorySchema, metadataSchema, parseTagList, sha256HexSchema, tagsSchema, uploadEventId } from "./schemas";
import { toUploadResponse } from "./serialize";
import { deleteObjectQuietly } from "./stored-object";

const FORM_OVERHEAD = 1024 * 1024;
// Parts go to S3 four at a time, so one upload is not paced by one part's round trip; memory per upload is
// bounded by PARTS_IN_FLIGHT × part size (32 MiB at the defaults) whatever the file size.
const PARTS_IN_FLIGHT = 4;
const MIN_API_PART_BYTES = 8 * 1024 * 1024;

interface StreamedFile {
  filename: string;
  mimeType: string;
  size: number;
  etag: string | null;
}

/** A file part stored under its object key, with the form's other fields, ready to be recorded. */
export interface ReceivedUpload extends StreamedFile {
  versionId: string;
  objectKey: string;
  fields: Record<string, string[]>;
}

/**
 * `POST /api/v1/files/upload`: the multipart body is parsed as it arrives and the file part is piped
 * to S3 in parts of 8 MiB or more, several at a time, so memory stays flat whatever the file size. Anything refused (size, type,
 * fields) leaves no object and no row behind.
 */
export async function uploadFromMultipartRequest(ctx: ServiceContext, req: Request) {
  const ownerId = owningUserId(ctx.actor);
  if (!ownerId) throw badRequest("Uploads need a user or an API key.");
  const fileId = randomUUID();
  return receiveMultipartUpload(req, { quotaOwnerId: ownerId, fileId }, async (stored) => {
    const extra = parseFields(stored.fields);
    extra.metadata = applyKeyRestrictions(ctx.actor, stored.filename, extra.metadata);
    const eventId = uploadEventId(stored.fields.eventId?.[0], extra.metadata);
    const file = await getDb().transaction(async (tx) => {
      const recorded = await recordUploadedFile(tx, ctx, {
        fileId, versionId: stored.versionId, ownerId, objectKey: stored.objectKey, filename: stored.filename, mimeType: stored.mimeType,
        size: stored.size, storageEtag: stored.etag, ...extra, eventId, via: "api",
      });
      // Last, so the owner's usage row is locked for this call and the commit only (the version's bytes are
      // added to the counter at commit, so they are `incoming` here).
      await assertWithinQuota(tx, ownerId, stored.size);
      return recorded;
    });
    const source = uploadSource(ctx.actor, file.cameraId);
    await announceFileEvent({ name: "file/uploaded", data: { fileId, versionId: stored.versionId, ownerId, source, cameraId: file.cameraId } });
    return toUploadResponse(file);
  });
}

/**
 * The streaming half of an API upload, shared by new files and new versions: checks the request, streams
 * the file part to a fresh object of `fileId`, then lets `record` validate the fields and write the rows.
 * If `record` (or anything before it) refuses, the object is deleted again.
 */
export async function receiveMultipartUpload<T>(
  req: Request,
  target: { quotaOwnerId: string; fileId: string },
  record: (stored: ReceivedUpload) => Promise<T>,
): Promise<T> {
  const contentType = req.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new ApiError(415, "unsupported_media_type", "Send the file as multipart/form-data.");
  }
  const max = env().MAX_UPLOAD_BYTES;
  const declaredLength = Number(req.headers.get("content-length") ?? NaN);
  if (declaredLength > max + FORM_OVERHEAD) throw payloadTooLarge(`Files may be at most ${formatBytes(max)}.`);
  if (!req.body) throw badRequest("The request has no body.");
  // Checked before reading any byte, and again when recording: the upload can only get smaller than declared.
  await assertQuotaLeaves(getDb(), target.quotaOwnerId, Number.isFinite(declaredLength) ? Math.max(0, declaredLength - FORM_OVERHEAD) : 0);

  const versionId = randomUUID();
  const objectKey = originalObjectKey(target.fileId, versionId);
  const fields: Record<string, string[]> = {};
  let stored: StreamedFile | undefined;
  const started = performance.now();
  try {
    stored = await parseAndStore(req, objectKey, fields);
    const result = await record({ ...stored, versionId, objectKey, fields });
    recordUpload("api", stored.size, secondsSince(started));
    return result;
  } catch (err) {
    if (stored) await deleteObjectQuietly(objectKey);
    throw closingConnection(err);
  }
}

/**
 * A refusal can come while the client is still sending the body; the connection then holds unread bytes
 * and cannot carry another request, so the response says so (a client that reused it got ECONNRESET).
 */
function closingConnection(err: unknown): unknown {
  return err instanceof ApiError ? new ApiError(err.status, err.code, err.message, { ...err.headers, Connection: "close" }) : err;
}

function parseAndStore(req: Request, objectKey: string, fields: Record<string, string[]>): Promise<StreamedFile> {
  const max = env().MAX_UPLOAD_BYTES;
  return new Promise<StreamedFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": req.headers.get("content-type") ?? "" },
        // Browsers and curl send UTF-8 filenames; busboy would otherwise read them as latin1.
        defParamCharset: "utf8",
        // Keep any path the client put in the filename, so it is refused rather than quietly cut off.
        preservePath: true,
        limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 30 },
      });
    } catch {
      reject(badRequest("The multipart/form-data body is malformed.", "malformed_form"));
      return;
    }
    let upload: Promise<StreamedFile> | undefined;
    let fileStream: Readable | undefined;
    let failed = false;
    // A refusal that comes while the file is still streaming (a second file part, a malformed rest of the
    // form) stops that stream and answers only once its object is gone: nothing is left behind.
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      if (!upload) return reject(err);
      fileStream?.destroy(new Error("upload refused"));
      upload.then(() => deleteObjectQuietly(objectKey), () => deleteObjectQuietly(objectKey)).finally(() => reject(err));
    };
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) return fail(badRequest(`Field "${name}" is too long.`, "field_too_long"));
      (fields[name] ??= []).push(value);
    });
    parser.on("file", (name, stream, info) => {
      // After a refusal busboy goes on parsing the rest of the body: its file parts are drained, never stored.
      if (failed || name !== "file" || upload) {
        stream.resume();
        if (!failed && name === "file") fail(badRequest("Send one file per request.", "too_many_files"));
        return;
      }
      let filename: string;
      let mimeType: string;
      try {
        filename = sanitizeFilename(info.filename ?? "file");
        mimeType = assertAcceptableType(filename, info.mimeType);
      } catch (err) {
        stream.resume();
        return fail(err);
      }
      fileStream = stream;
      upload = streamToBucket(stream, objectKey, mimeType, max).then((r) => ({ ...r, filename, mimeType }));
      upload.catch(fail);
    });
    parser.on("filesLimit", () => fail(badRequest("Send one file per request.", "too_many_files")));
    parser.on("error", () => fail(badRequest("The multipart/form-data body is malformed.", "malformed_form")));
    parser.on("close", () => {
      if (failed) return;
      if (!upload) return fail(badRequest('The form has no "file" part.', "file_missing"));
      upload.then(resolve, fail);
    });
    const body = Readable.fromWeb(req.body as unknown as WebReadableStream<Uint8Array>);
    body.on("error", () => fail(badRequest("The upload was interrupted.", "upload_interrupted")));
    body.pipe(parser);
  });
}

async function streamToBucket(source: Readable, Key: string, ContentType: string, max: number) {
  let size = 0;
  let tooLarge = false;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > max) {
        tooLarge = true;
        done(payloadTooLarge(`Files may be at most ${formatBytes(max)}.`));
      } else done(null, chunk);
    },
  });
  source.on("error", (err) => counter.destroy(err));
  source.pipe(counter);
  const upload = new Upload({
    client: s3().internal,
    params: { Bucket: mediaBucket(), Key, Body: counter, ContentType },
    partSize: Math.max(env().MULTIPART_PART_BYTES, MIN_API_PART_BYTES),
    queueSize: PARTS_IN_FLIGHT,
    leavePartsOnError: false,
  });
  try {
    const result = await upload.done();
    if (size === 0) throw badRequest("The file is empty.", "empty_file");
    return { size, etag: result.ETag ?? null };
  } catch (err) {
    source.resume();
    await deleteObjectQuietly(Key);
    if (tooLarge) throw payloadTooLarge(`Files may be at most ${formatBytes(max)}.`);
    throw err;
  }
}

function parseFields(fields: Record<string, string[]>) {
  const category = fields.category?.[0] ? categorySchema.parse(fields.category[0]) : undefined;
  const tags = fields.tags ? tagsSchema.parse(parseTagList(fields.tags)) : undefined;
  let metadata: Record<string, unknown> | undefined;
  if (fields.metadata?.[0]) {
    metadata = metadataSchema.parse(parseClientJson(fields.metadata[0], "The metadata field"));
  }
  // The client's own SHA-256 of the file, checked against the stored bytes by processing.
  const expectedSha256 = fields.checksum?.[0] ? sha256HexSchema.parse(fields.checksum[0].trim().toLowerCase()) : undefined;
  return { category, tags, metadata, expectedSha256 } satisfies {
    category?: string; tags?: z.infer<typeof tagsSchema>; metadata?: Record<string, unknown>; expectedSha256?: string;
  };
}
