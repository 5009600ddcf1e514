// GET /api/v1/files/{id}/download — stream the file (Range, ETag/304, safe Content-Disposition)
import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { openFileDownload } from "@/lib/files/download";
import { fileIdSchema } from "@/lib/files/schemas";

const querySchema = z.object({
  version: z.coerce.number().int().min(1).optional(),
  disposition: z.enum(["attachment", "inline"]).default("attachment"),
});

export const GET = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const query = querySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
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
