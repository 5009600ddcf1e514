// GET /api/v1/files/{id} — file information; DELETE /api/v1/files/{id} — move to trash (`permanent=true`: purge now)
import { withApi } from "@/lib/api/with-api";
import { getFileDetail } from "@/lib/files/details";
import { deleteFileQuerySchema, fileIdSchema } from "@/lib/files/schemas";
import { purgeFile, trashFile } from "@/lib/files/trash";

export const GET = withApi<{ id: string }>(
  async ({ ctx, params }) => getFileDetail(ctx, fileIdSchema.parse(params.id)),
  { permission: "files.read" },
);

export const DELETE = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const id = fileIdSchema.parse(params.id);
    const { permanent } = deleteFileQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
    return permanent ? purgeFile(ctx, id) : trashFile(ctx, id);
  },
  { permission: "files.delete" },
);
