// GET /api/v1/files/{id}/download — stream the file (Range, ETag/304, safe Content-Disposition)
import { withApi } from "@/lib/api/with-api";
import { openFileDownload } from "@/lib/files/download";
import { downloadQuerySchema, fileIdSchema } from "@/lib/files/schemas";

export const GET = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const query = downloadQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
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
