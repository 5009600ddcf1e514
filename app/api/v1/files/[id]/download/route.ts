// GET /api/v1/files/{id}/download — stream the file (Range, ETag/304, safe Content-Disposition) or redirect to
// a short-lived presigned URL (`redirect=true`; the default for large files when a browser asks), a
// processing variant (`variant=`) or a cached format conversion (`format=`, `quality=` 50, 75 or 90)
import { withApi } from "@/lib/api/with-api";
import { openFileDownload } from "@/lib/files/download";
import { openVariantDownload } from "@/lib/files/variants";
import { downloadQuerySchema, fileIdSchema } from "@/lib/files/schemas";

// What a browser fetches by itself and follows redirects for, cross-origin included, without CORS.
const REDIRECT_FOLLOWING_DESTINATIONS = new Set(["document", "iframe", "image", "video", "audio"]);

export const GET = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const query = downloadQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
    if (query.variant || query.format) {
      return openVariantDownload(ctx, fileIdSchema.parse(params.id), {
        variant: query.variant,
        format: query.format,
        quality: query.quality,
        version: query.version,
        versionKey: query.v,
        disposition: query.disposition,
        ifNoneMatch: req.headers.get("if-none-match"),
      });
    }
    return openFileDownload(ctx, fileIdSchema.parse(params.id), {
      version: query.version,
      disposition: query.disposition,
      range: req.headers.get("range"),
      ifNoneMatch: req.headers.get("if-none-match"),
      ifRange: req.headers.get("if-range"),
      redirect: query.redirect,
      followsRedirects:
        req.headers.get("sec-fetch-mode") === "navigate" || REDIRECT_FOLLOWING_DESTINATIONS.has(req.headers.get("sec-fetch-dest") ?? ""),
    });
  },
  { permission: "files.read" },
);
