// GET /api/v1/files/{id}/audit-events — one file's audit trail, for whoever may see the file
import { withApi } from "@/lib/api/with-api";
import { listAuditEvents } from "@/lib/audit/query";
import { listAuditQuerySchema } from "@/lib/audit/schemas";
import { findVisibleFile } from "@/lib/files/lookup";
import { fileIdSchema } from "@/lib/files/schemas";

export const GET = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const file = await findVisibleFile(ctx, fileIdSchema.parse(params.id));
    const query = listAuditQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
    return listAuditEvents({ ...query, fileId: file.id, actor: undefined });
  },
  { permission: "files.read" },
);
