// GET /api/v1/webhooks/{id}/deliveries — an endpoint's recent deliveries, newest first (`status`, `limit` ≤ 100) (admins)
import { withApi } from "@/lib/api/with-api";
import { listWebhookDeliveries } from "@/lib/webhooks/manage";
import { listDeliveriesQuerySchema, webhookIdSchema } from "@/lib/webhooks/schemas";

export const GET = withApi<{ id: string }>(
  async ({ req, ctx, params }) =>
    listWebhookDeliveries(ctx, webhookIdSchema.parse(params.id), listDeliveriesQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "webhooks.manage" },
);
