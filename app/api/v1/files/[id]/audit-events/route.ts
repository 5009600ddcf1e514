// GET /api/v1/files/{id}/audit-events — one file's audit trail, for whoever may see the file (other actors' details only for audit readers)
import { withApi } from "@/lib/api/with-api";
import { listAuditQuerySchema } from "@/lib/audit/schemas";
import { listFileTrail } from "@/lib/audit/trail";
import { fileIdSchema } from "@/lib/files/schemas";

export const GET = withApi<{ id: string }>(
  async ({ req, ctx, params }) =>
    listFileTrail(ctx, { fileId: fileIdSchema.parse(params.id), query: listAuditQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries())) }),
  { permission: "files.read" },
);
