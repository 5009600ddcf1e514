// GET /api/v1/alerts — alerts, newest first (open and acknowledged by default), with the counts still active (admins)
import { withApi } from "@/lib/api/with-api";
import { listAlerts } from "@/lib/alerts/manage";
import { listAlertsQuerySchema } from "@/lib/alerts/schemas";

export const GET = withApi(
  async ({ req, ctx }) => listAlerts(ctx, listAlertsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "ops.manage" },
);
