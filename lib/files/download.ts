import "server-only";
import type { Readable } from "node:stream";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getDb } from "@/db/client";
import type { FileRow } from "@/db/schema";
import { CONTENT_LENGTH_HEADER } from "@/lib/api/internal-headers.mjs";
import { ApiError } from "@/lib/api/errors";
import { noteFileAccess } from "@/lib/archive/access";
import { assertContentAvailable } from "@/lib/archive/gate";
import { recordAuditEvent, wouldCoalesce, type AuditInput } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { streamedResponse } from "@/lib/storage/web-stream";
import { presignedDownloadUrl } from "./download-redirect";
import { contentDisposition } from "./filename";
import { findVisibleFileVersion } from "./lookup";
import { assertServable, assertVersionServable } from "./servable";
import { etagMatches, parseRange } from "./range";
import { meterDownload } from "@/lib/metrics/record";

export interface DownloadRequest {
  version?: number;
  range: string | null;
  ifNoneMatch: string | null;
  ifRange: string | null;
  disposition: "attachment" | "inline";
  /** `?redirect=`: true or false when the client chose, else undefined. */
  redirect?: boolean;
  /** The client follows redirects on its own (a browser loading a page, an image or a video). */
  followsRedirects: boolean;
}

/**
 * Serves a file version: a redirect to a short-lived presigned storage URL (asked for, or a large file for
 * a browser), or a stream straight from S3 with Range and conditional requests honoured. Either way the
 * access is audited before the client gets a byte or a URL.
 */
export async function openFileDownload(ctx: ServiceContext, fileId: string, req: DownloadRequest): Promise<Response> {
  const found = await findVisibleFileVersion(ctx, fileId, req.version);
  const file = found.file;
  assertServable(file);
  const version = found.version();
  if (version.id !== file.currentVersionId) assertVersionServable(version);
  await assertContentAvailable(file);
  if (version.objectMissingAt) throw fileMissing();

  const etag = `"${version.id}"`;
  const headers = new Headers({
    ETag: etag,
    "Accept-Ranges": "bytes",
    "Cache-Control": "private, no-cache",
    "Content-Type": version.mimeType,
    "Content-Disposition": contentDisposition(file.filename, req.disposition),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; media-src 'self'; sandbox",
    "Last-Modified": version.createdAt.toUTCString(),
  });
  if (etagMatches(req.ifNoneMatch, etag)) {
    await audit(ctx, file, { version: version.version, status: 304 });
    return new Response(null, { status: 304, headers });
  }

  const redirect = req.redirect ?? (req.followsRedirects && version.size >= env().DOWNLOAD_REDIRECT_MIN_BYTES);
  if (redirect) {
    const url = await presignedDownloadUrl({ objectKey: version.objectKey, filename: file.filename, mimeType: version.mimeType, disposition: req.disposition });
    // A player's Range requests redirected one after another are one download, as when streamed.
    await audit(ctx, file, { version: version.version, status: 302, redirect: true }, req.range !== null);
    return new Response(null, { status: 302, headers: { Location: url, "Cache-Control": "no-store" } });
  }

  // If-Range with a stale validator means "send the whole, current file".
  const range = req.ifRange && req.ifRange !== etag ? null : parseRange(req.range, version.size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${version.size}`);
    throw new ApiError(416, "range_not_satisfiable", `The range is outside the file (${version.size} bytes).`, Object.fromEntries(headers));
  }
  const details = { version: version.version, status: range ? 206 : 200, range: range ?? undefined };
  // A repeated range read usually needs no audit write: that check runs beside the S3 request, not before
  // it. Should the check fail, recordAuditEvent decides on its own.
  const coalescedCheck = range
    ? wouldCoalesce(getDb(), ctx.actor, { action: "file.download", fileId: file.id, coalesce: rangeCoalesce(details) }).catch(() => false)
    : Promise.resolve(false);
  const object = await s3().internal.send(
    new GetObjectCommand({ Bucket: mediaBucket(), Key: version.objectKey, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
  ).catch((err) => {
    // Gone before reconciliation noticed: the same clear refusal, not a 500.
    if (err?.name === "NoSuchKey" || err?.$metadata?.httpStatusCode === 404) throw fileMissing();
    throw err;
  });
  if (!object.Body) throw new ApiError(502, "storage_unavailable", "Storage returned no content.");
  // On Node the SDK's body is the HTTP response stream itself.
  const body = object.Body as Readable;
  const coalesced = await coalescedCheck;
  try {
    if (!coalesced) await audit(ctx, file, details, range !== null);
  } catch (err) {
    body.destroy();
    throw err;
  }

  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${version.size}`);
  // Next.js strips Content-Length from route handlers; server.mjs restores it from this header.
  // The length of the bytes storage actually sends, not what the row says they should be.
  const length = object.ContentLength ?? (range ? range.end - range.start + 1 : version.size);
  headers.set(CONTENT_LENGTH_HEADER, String(length));
  meterDownload(body, "download", length);
  return streamedResponse(body, range ? 206 : 200, headers);
}

function rangeCoalesce(details: { version: number; status: number; redirect?: boolean }): NonNullable<AuditInput["coalesce"]> {
  return { withinSeconds: 60, match: details.redirect ? { version: details.version, redirect: true } : { version: details.version, status: 206 } };
}

// A player's Range requests for one version within a minute are one download; whole and conditional
// fetches are each recorded.
async function audit(ctx: ServiceContext, file: FileRow, details: { version: number; status: number; range?: unknown; redirect?: boolean }, isRange = false) {
  const coalesce = isRange ? rangeCoalesce(details) : undefined;
  await getDb().transaction((tx) => recordAuditEvent({ ...ctx, tx }, { action: "file.download", fileId: file.id, details, coalesce }));
  noteFileAccess(file.id, file.lastAccessedAt);
}

/** The row says there is content, the bucket has none (reconciliation marks it; lib/reconcile). */
function fileMissing(): ApiError {
  return new ApiError(409, "file_missing", "This file's stored content is missing from storage; an administrator has been told (reconciliation) and can restore it from a backup.");
}
