// POST /api/v1/files/{id}/restore — bring a file back from the trash
import { withApi } from "@/lib/api/with-api";
import { fileIdSchema } from "@/lib/files/schemas";
import { restoreFile } from "@/lib/files/trash";

export const POST = withApi<{ id: string }>(
  async ({ ctx, params }) => restoreFile(ctx, fileIdSchema.parse(params.id)),
  { permission: "files.delete" },
);
