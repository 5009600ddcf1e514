import "server-only";
import { isArchivedTier } from "@/lib/archive/classes";
import { timingSafeEqual } from "node:crypto";
import type { Readable } from "node:stream";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, fileVariants, fileVersions } from "@/db/schema";
import { CONTENT_LENGTH_HEADER } from "@/lib/api/internal-headers.mjs";
import { env } from "@/lib/env";
import { contentDisposition } from "@/lib/files/filename";
import { IMMUTABLE_CACHE_CONTROL, mediaBucket, s3 } from "@/lib/storage/s3";
import { streamedResponse } from "@/lib/storage/web-stream";
import { parseEdgePath } from "./paths";

/** The header the edge (nginx's proxy_set_header, a CloudFront origin custom header) proves itself with. */
export const EDGE_SECRET_HEADER = "x-framevault-edge-secret";

export function isEdgeRequest(headers: Headers): boolean {
  const expected = env().CDN_EDGE_SECRET;
  const given = headers.get(EDGE_SECRET_HEADER);
  if (!expected || !given || env().CDN_PROVIDER === "off") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const refused = () => new Response(null, { status: 404, headers: { "Cache-Control": "no-store" } });

/**
 * What the edge fetches on a miss: the current original or a variant of a live, ready, online file, with
 * the cache headers of D3. The edge never holds a session or a storage key; this route trusts it by the
 * shared secret alone, and checks the file itself on every fetch, so once its paths are invalidated a
 * deleted, purged or archived file stops being served. Access was checked when the signed URL was issued.
 */
export async function serveEdgeOrigin(path: string): Promise<Response> {
  const target = parseEdgePath(path);
  if (!target) return refused();
  const e = env();
  const live = and(eq(files.id, target.fileId), isNull(files.deletedAt), eq(files.status, "ready"));
  let object: { key: string; contentType: string; etag: string; headers: Record<string, string> };
  if (target.kind === "current") {
    const [row] = await getDb()
      .select({ file: files, version: fileVersions })
      .from(files)
      .innerJoin(fileVersions, eq(fileVersions.id, files.currentVersionId))
      .where(live);
    if (!row || isArchivedTier(row.file.storageTier)) return refused();
    object = {
      key: row.version.objectKey,
      contentType: row.version.mimeType,
      etag: `"${row.version.id}"`,
      headers: {
        // Browsers may keep it as long as the signed URL lived; shared caches past the edge may not.
        "Cache-Control": `private, max-age=${e.CDN_URL_EXPIRES_SECONDS}`,
        // nginx's own TTL for it (takes precedence over Cache-Control there, and is not passed on).
        "X-Accel-Expires": String(e.CDN_ORIGINAL_TTL_SECONDS),
        "Content-Disposition": contentDisposition(row.file.filename, "inline"),
        "Content-Security-Policy": "default-src 'none'; media-src 'self'; sandbox",
        "Last-Modified": row.version.createdAt.toUTCString(),
      },
    };
  } else {
    const [row] = await getDb()
      .select({ file: files, variant: fileVariants })
      .from(fileVariants)
      .innerJoin(fileVersions, eq(fileVersions.id, fileVariants.versionId))
      .innerJoin(files, eq(files.id, fileVersions.fileId))
      .where(and(live, eq(fileVariants.versionId, target.versionId), eq(fileVariants.name, target.name), eq(fileVersions.status, "ready")));
    // Thumbnails and previews of an archived file stay hot (the grid never breaks); only its original is cold.
    if (!row) return refused();
    object = {
      key: row.variant.objectKey,
      contentType: row.variant.contentType,
      etag: `"${target.versionId}-${target.name}"`,
      headers: { "Cache-Control": IMMUTABLE_CACHE_CONTROL, "Content-Security-Policy": "default-src 'none'; sandbox" },
    };
  }
  const got = await s3().internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: object.key }));
  if (!got.Body) return new Response(null, { status: 502, headers: { "Cache-Control": "no-store" } });
  const headers = new Headers({ ...object.headers, "Content-Type": object.contentType, ETag: object.etag, "X-Content-Type-Options": "nosniff" });
  if (got.ContentLength !== undefined) headers.set(CONTENT_LENGTH_HEADER, String(got.ContentLength));
  return streamedResponse(got.Body as Readable, 200, headers);
}
