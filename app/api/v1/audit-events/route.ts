// GET /api/v1/audit-events — the audit log, filtered, newest first, cursor-paged (auditors and admins)
import { withApi } from "@/lib/api/with-api";
import { listAuditEvents } from "@/lib/audit/query";
import { listAuditQuerySchema } from "@/lib/audit/schemas";

export const GET = withApi(
  async ({ req, ctx }) => listAuditEvents(ctx, listAuditQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "audit.read" },
);
