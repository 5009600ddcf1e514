// GET /api/v1/audit-events/export — the filtered audit log as CSV (streamed)
import { withApi } from "@/lib/api/with-api";
import { exportAuditCsv } from "@/lib/audit/export";
import { listAuditQuerySchema } from "@/lib/audit/schemas";

export const GET = withApi(
  async ({ req, ctx }) => {
    const query = listAuditQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()));
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return new Response(exportAuditCsv(ctx, query), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="framevault-audit-${stamp}.csv"`,
        "Cache-Control": "no-store",
      },
    });
  },
  { permission: "audit.read" },
);
