// GET /api/v1/files/{id} — file information; DELETE /api/v1/files/{id} — move to trash
import { withApi } from "@/lib/api/with-api";
import { getFileDetail, trashFile } from "@/lib/files/details";
import { fileIdSchema } from "@/lib/files/schemas";

export const GET = withApi<{ id: string }>(
  async ({ ctx, params }) => getFileDetail(ctx, fileIdSchema.parse(params.id)),
  { permission: "files.read" },
);

export const DELETE = withApi<{ id: string }>(
  async ({ ctx, params }) => trashFile(ctx, fileIdSchema.parse(params.id)),
  { permission: "files.delete" },
);
