import "server-only";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files } from "@/db/schema";
import { CONTENT_LENGTH_HEADER } from "@/lib/api/internal-headers.mjs";
import { ApiError } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { contentDisposition } from "./filename";
import { findFileVersion, findVisibleFile } from "./lookup";
import { assertServable } from "./servable";
import { etagMatches, parseRange } from "./range";

export interface DownloadRequest {
  version?: number;
  range: string | null;
  ifNoneMatch: string | null;
  ifRange: string | null;
  disposition: "attachment" | "inline";
}

/**
 * Streams a file version straight from S3 to the client: nothing is buffered, Range and conditional
 * requests are honoured, and the access is audited before the first byte leaves.
 */
export async function openFileDownload(ctx: ServiceContext, fileId: string, req: DownloadRequest): Promise<Response> {
  const file = await findVisibleFile(ctx, fileId);
  assertServable(file);
  const version = await findFileVersion(file, req.version);

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
    await audit(ctx, file.id, { version: version.version, status: 304 });
    return new Response(null, { status: 304, headers });
  }

  // If-Range with a stale validator means "send the whole, current file".
  const range = req.ifRange && req.ifRange !== etag ? null : parseRange(req.range, version.size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${version.size}`);
    throw new ApiError(416, "range_not_satisfiable", `The range is outside the file (${version.size} bytes).`, Object.fromEntries(headers));
  }
  const object = await s3().internal.send(
    new GetObjectCommand({
      Bucket: mediaBucket(),
      Key: version.objectKey,
      Range: range ? `bytes=${range.start}-${range.end}` : undefined,
    }),
  );
  if (!object.Body) throw new ApiError(502, "storage_unavailable", "Storage returned no content.");
  await audit(ctx, file.id, { version: version.version, status: range ? 206 : 200, range: range ?? undefined });

  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${version.size}`);
  // Next.js strips Content-Length from route handlers; server.mjs restores it from this header.
  // The length of the bytes storage actually sends, not what the row says they should be.
  headers.set(CONTENT_LENGTH_HEADER, String(object.ContentLength ?? (range ? range.end - range.start + 1 : version.size)));
  return new Response(object.Body.transformToWebStream(), { status: range ? 206 : 200, headers });
}

// A player's Range requests for one version within a minute are one download; whole and conditional
// fetches are each recorded.
async function audit(ctx: ServiceContext, fileId: string, details: { version: number; status: number; range?: unknown }) {
  const coalesce = details.status === 206 ? { withinSeconds: 60, match: { version: details.version, status: 206 } } : undefined;
  await getDb().transaction(async (tx) => {
    await tx.update(files).set({ lastAccessedAt: new Date() }).where(eq(files.id, fileId));
    await recordAuditEvent({ ...ctx, tx }, { action: "file.download", fileId, details, coalesce });
  });
}
