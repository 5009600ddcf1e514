// PATCH /api/v1/webhooks/{id} — pause, resume or change events; DELETE /api/v1/webhooks/{id} — remove with its deliveries (admins)
import { readJson, withApi } from "@/lib/api/with-api";
import { deleteWebhookEndpoint, updateWebhookEndpoint } from "@/lib/webhooks/manage";
import { updateWebhookSchema, webhookIdSchema } from "@/lib/webhooks/schemas";

export const PATCH = withApi<{ id: string }>(
  async ({ req, ctx, params }) => updateWebhookEndpoint(ctx, webhookIdSchema.parse(params.id), updateWebhookSchema.parse(await readJson(req))),
  { permission: "webhooks.manage" },
);

export const DELETE = withApi<{ id: string }>(
  async ({ ctx, params }) => {
    await deleteWebhookEndpoint(ctx, webhookIdSchema.parse(params.id));
    return new Response(null, { status: 204 });
  },
  { permission: "webhooks.manage" },
);
