import "server-only";
import type { Readable } from "node:stream";
import { GetObjectCommand, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { getDb } from "@/db/client";
import { CONTENT_LENGTH_HEADER } from "@/lib/api/internal-headers.mjs";
import { ApiError, notFound } from "@/lib/api/errors";
import { noteFileAccess } from "@/lib/archive/access";
import { assertContentAvailable } from "@/lib/archive/gate";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import type { ImageOutputFormat } from "@/lib/processing/image";
import { IMMUTABLE_CACHE_CONTROL, mediaBucket, s3 } from "@/lib/storage/s3";
import { streamedResponse } from "@/lib/storage/web-stream";
import { CONVERSION_EXTENSIONS, ensureConversion, findVariant } from "./conversions";
import { contentDisposition } from "./filename";
import { findVisibleFileVersion } from "./lookup";
import { assertServable, assertVersionServable } from "./servable";
import { etagMatches } from "./range";
import { meterDownload } from "@/lib/metrics/record";

export interface VariantRequest {
  variant?: "thumbnail" | "preview" | "poster";
  format?: ImageOutputFormat;
  /** One of the allowed levels (downloadQuerySchema); ignored for PNG. */
  quality: number;
  version?: number;
  /** `v=`: the version id the URL was made for (see downloadQuerySchema). */
  versionKey?: string;
  ifNoneMatch: string | null;
  disposition: "attachment" | "inline";
}

/**
 * Serves a derived image: a processing variant (thumbnail, preview, poster) or a format conversion,
 * which is made once with sharp streaming from the original into S3 and reused from there. Variant
 * keys never change content, so browsers may keep them for a year.
 */
export async function openVariantDownload(ctx: ServiceContext, fileId: string, req: VariantRequest): Promise<Response> {
  const found = await findVisibleFileVersion(ctx, fileId, req.version);
  const file = found.file;
  assertServable(file);
  const version = found.version();
  if (version.id !== file.currentVersionId) assertVersionServable(version);
  // A conversion is the content in another form: archived content is converted only while retrieved.
  if (req.format) await assertContentAvailable(file);
  const { name, cache } = req.variant
    ? { name: req.variant, cache: "hit" as const }
    : await ensureConversion(ctx, { version, format: req.format!, quality: req.quality });
  const variant = await findVariant(version.id, name);
  if (!variant) throw notFound("Variant");

  const etag = `"${version.id}-${name}"`;
  // Immutable only under a URL that names its version: the plain URL follows the current version.
  const pinned = req.version !== undefined || req.versionKey === version.id;
  const headers = new Headers({
    ETag: etag,
    "Cache-Control": req.variant && pinned ? IMMUTABLE_CACHE_CONTROL.replace("public", "private") : "private, no-cache",
    "Content-Type": variant.contentType,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Framevault-Variant-Cache": cache,
  });
  if (!req.variant) {
    const base = file.filename.replace(/\.[^.]*$/, "");
    headers.set("Content-Disposition", contentDisposition(`${base}.${CONVERSION_EXTENSIONS[req.format!]}`, req.disposition));
  }
  if (etagMatches(req.ifNoneMatch, etag)) return new Response(null, { status: 304, headers });
  const object: GetObjectCommandOutput = await s3().internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: variant.objectKey }));
  if (!object.Body) throw new ApiError(502, "storage_unavailable", "Storage returned no content.");
  const body = object.Body as Readable;
  // Conversions are downloads of the file's content in another form; thumbnails and previews are views.
  if (!req.variant) {
    await getDb()
      .transaction((tx) =>
        recordAuditEvent({ ...ctx, tx }, { action: "file.download", fileId: file.id, details: { version: version.version, format: req.format, quality: req.quality, cache } }),
      )
      .catch((err) => {
        body.destroy();
        throw err;
      });
  }
  // Previews, posters and conversions are reads of the file (archive rules count unread days); the grid's thumbnails are not.
  if (name !== "thumbnail") noteFileAccess(file.id, file.lastAccessedAt);
  const length = object.ContentLength ?? variant.size;
  headers.set(CONTENT_LENGTH_HEADER, String(length));
  meterDownload(body, req.variant ? "variant" : "conversion", length);
  return streamedResponse(body, 200, headers);
}
