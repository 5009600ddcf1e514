// GET /api/v1/trash — the caller's trashed files (admins: everyone's, `ownerId` to narrow), newest deletion first
import { withApi } from "@/lib/api/with-api";
import { listTrashQuerySchema } from "@/lib/files/schemas";
import { listTrash } from "@/lib/files/trash-list";

export const GET = withApi(
  async ({ req, ctx }) => listTrash(ctx, listTrashQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "files.read" },
);
