// POST /api/v1/alerts/{id}/acknowledge — someone is on it: the alert stays until its condition clears (admins)
import { withApi } from "@/lib/api/with-api";
import { acknowledgeAlert } from "@/lib/alerts/manage";
import { alertIdSchema } from "@/lib/alerts/schemas";

export const POST = withApi<{ id: string }>(async ({ ctx, params }) => acknowledgeAlert(ctx, alertIdSchema.parse(params.id)), { permission: "ops.manage" });
