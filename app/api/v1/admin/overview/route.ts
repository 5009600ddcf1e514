// GET /api/v1/admin/overview — the admin dashboard's figures: storage by tier and camera with monthly cost, activity, processing, errors, alerts (admins)
import { withApi } from "@/lib/api/with-api";
import { getOperationsOverview } from "@/lib/operations/overview";

export const GET = withApi(async ({ ctx }) => getOperationsOverview(ctx), { permission: "ops.manage" });
