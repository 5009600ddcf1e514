import "server-only";
import { Transform } from "node:stream";
import { GetObjectCommand, type GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { fileVariants, type FileVersionRow } from "@/db/schema";
import { CONTENT_LENGTH_HEADER } from "@/lib/api/content-length.mjs";
import { ApiError, badRequest, notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { convertImage, type ImageOutputFormat } from "@/lib/processing/image";
import { IMMUTABLE_CACHE_CONTROL, mediaBucket, s3, variantObjectKey } from "@/lib/storage/s3";
import { contentDisposition } from "./filename";
import { findFileVersion, findVisibleFile } from "./lookup";
import { assertServable } from "./servable";
import { etagMatches } from "./range";
import { readObject } from "./stored-object";

const CONTENT_TYPES: Record<ImageOutputFormat, string> = { webp: "image/webp", avif: "image/avif", jpeg: "image/jpeg", png: "image/png" };
const EXTENSIONS: Record<ImageOutputFormat, string> = { webp: "webp", avif: "avif", jpeg: "jpg", png: "png" };

export interface VariantRequest {
  variant?: "thumbnail" | "preview" | "poster";
  format?: ImageOutputFormat;
  quality?: number;
  version?: number;
  ifNoneMatch: string | null;
  disposition: "attachment" | "inline";
}

/**
 * Serves a derived image: a processing variant (thumbnail, preview, poster) or a format conversion,
 * which is made once with sharp streaming from the original into S3 and reused from there. Variant
 * keys never change content, so browsers may keep them for a year.
 */
export async function openVariantDownload(ctx: ServiceContext, fileId: string, req: VariantRequest): Promise<Response> {
  const file = await findVisibleFile(ctx, fileId);
  assertServable(file);
  const version = await findFileVersion(file, req.version);
  let name: string;
  let cache: "hit" | "miss" = "hit";
  if (req.variant) {
    name = req.variant;
  } else {
    const format = req.format!;
    if (!version.mimeType.startsWith("image/")) throw badRequest("Only images can be converted to another format.", "not_convertible");
    name = format === "png" ? "convert-png" : `convert-${format}-q${req.quality ?? 80}`;
    if (!(await findVariant(version.id, name))) {
      await convertAndStore(version, name, format, req.quality);
      cache = "miss";
    }
  }
  const variant = await findVariant(version.id, name);
  if (!variant) throw notFound("Variant");

  const etag = `"${version.id}-${name}"`;
  const headers = new Headers({
    ETag: etag,
    "Cache-Control": req.variant ? IMMUTABLE_CACHE_CONTROL.replace("public", "private") : "private, no-cache",
    "Content-Type": variant.contentType,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Framevault-Variant-Cache": cache,
  });
  if (!req.variant) {
    const base = file.filename.replace(/\.[^.]*$/, "");
    headers.set("Content-Disposition", contentDisposition(`${base}.${EXTENSIONS[req.format!]}`, req.disposition));
  }
  if (etagMatches(req.ifNoneMatch, etag)) return new Response(null, { status: 304, headers });
  const object: GetObjectCommandOutput = await s3().internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: variant.objectKey }));
  if (!object.Body) throw new ApiError(502, "storage_unavailable", "Storage returned no content.");
  // Conversions are downloads of the file's content in another form; thumbnails and previews are views.
  if (!req.variant) {
    await getDb().transaction((tx) =>
      recordAuditEvent(tx, ctx, { action: "file.download", fileId: file.id, details: { version: version.version, format: req.format, quality: req.quality, cache } }),
    );
  }
  headers.set(CONTENT_LENGTH_HEADER, String(object.ContentLength ?? variant.size));
  return new Response(object.Body.transformToWebStream(), { status: 200, headers });
}

async function findVariant(versionId: string, name: string) {
  const [row] = await getDb().select().from(fileVariants).where(and(eq(fileVariants.versionId, versionId), eq(fileVariants.name, name)));
  return row ?? null;
}

/** Original → sharp → S3 as one stream: neither the original nor the result is held whole by the app. */
async function convertAndStore(version: FileVersionRow, name: string, format: ImageOutputFormat, quality?: number): Promise<void> {
  const objectKey = variantObjectKey(version.id, name, EXTENSIONS[format]);
  const converted = convertImage(await readObject(version.objectKey), { format, quality });
  let width: number | null = null;
  let height: number | null = null;
  let size = 0;
  converted.once("info", (info: { width: number; height: number }) => ({ width, height } = info));
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(null, chunk);
    },
  });
  converted.once("error", (err) => body.destroy(err));
  converted.pipe(body);
  try {
    await new Upload({
      client: s3().internal,
      params: { Bucket: mediaBucket(), Key: objectKey, Body: body, ContentType: CONTENT_TYPES[format], CacheControl: IMMUTABLE_CACHE_CONTROL },
      leavePartsOnError: false,
    }).done();
  } catch (err) {
    throw new ApiError(422, "conversion_failed", `The image could not be converted: ${(err as Error).message}`);
  }
  const row = { objectKey, contentType: CONTENT_TYPES[format], size, width, height };
  await getDb()
    .insert(fileVariants)
    .values({ versionId: version.id, name, ...row })
    .onConflictDoUpdate({ target: [fileVariants.versionId, fileVariants.name], set: row });
}
