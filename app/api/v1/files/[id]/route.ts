// GET /api/v1/files/{id} — file information; PATCH — edit filename, category, tags, metadata; DELETE — move to trash
import { readJson, withApi } from "@/lib/api/with-api";
import { describeFile, getFileDetail, trashFile } from "@/lib/files/details";
import { fileIdSchema, updateFileSchema } from "@/lib/files/schemas";
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
  async ({ ctx, params }) => trashFile(ctx, fileIdSchema.parse(params.id)),
  { permission: "files.delete" },
);
