// POST /api/v1/alerts/evaluate — run the alert rules now instead of at the next minute (admins)
import { withApi } from "@/lib/api/with-api";
import { jsonResponse } from "@/lib/api/json-response";
import { requestAlertEvaluation } from "@/lib/alerts/manage";

export const POST = withApi(async ({ ctx }) => jsonResponse(await requestAlertEvaluation(ctx), { status: 202 }), { permission: "ops.manage" });
