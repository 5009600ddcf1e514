// GET /api/v1/files/{id}/download — stream the file (Range, ETag/304, safe Content-Disposition), a
// processing variant (`variant=`) or a cached format conversion (`format=`, `quality=` 50, 75 or 90)
import { withApi } from "@/lib/api/with-api";
import { openFileDownload } from "@/lib/files/download";
import { openVariantDownload } from "@/lib/files/variants";
import { downloadQuerySchema, fileIdSchema } from "@/lib/files/schemas";

export const GET = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const query = downloadQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
    if (query.variant || query.format) {
      return openVariantDownload(ctx, fileIdSchema.parse(params.id), {
        variant: query.variant,
        format: query.format,
        quality: query.quality,
        version: query.version,
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
    });
  },
  { permission: "files.read" },
);
