// GET /api/v1/files/{id} — file information; PATCH — edit filename, category, tags, metadata; DELETE — move to
// trash (`permanent=true`: purge now)
import { readJson, withApi } from "@/lib/api/with-api";
import { describeFile, getFileDetail } from "@/lib/files/details";
import { deleteFileQuerySchema, fileIdSchema, updateFileSchema } from "@/lib/files/schemas";
import { purgeFile, trashFile } from "@/lib/files/trash";
import { updateFile } from "@/lib/files/update";

export const GET = withApi<{ id: string }>(
  async ({ ctx, params }) => getFileDetail(ctx, fileIdSchema.parse(params.id)),
  { permission: "files.read" },
);

export const PATCH = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const fileId = fileIdSchema.parse(params.id);
    return describeFile(await updateFile(ctx, { fileId, changes: updateFileSchema.parse(await readJson(req)) }));
  },
  { permission: "files.write" },
);

export const DELETE = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const id = fileIdSchema.parse(params.id);
    const { permanent } = deleteFileQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
    return permanent ? purgeFile(ctx, id) : trashFile(ctx, id);
  },
  { permission: "files.delete" },
);
