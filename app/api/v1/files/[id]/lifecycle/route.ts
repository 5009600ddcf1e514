// GET /api/v1/files/{id}/lifecycle — which rule decides the file's fate and why, with its dates (owner or admin)
import { withApi } from "@/lib/api/with-api";
import { fileIdSchema } from "@/lib/files/schemas";
import { getFileLifecycle } from "@/lib/lifecycle/file-lifecycle";

export const GET = withApi<{ id: string }>(
  async ({ ctx, params }) => getFileLifecycle(ctx, fileIdSchema.parse(params.id)),
  { permission: "files.read" },
);
