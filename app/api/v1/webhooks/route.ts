// GET /api/v1/webhooks — list webhook endpoints; POST /api/v1/webhooks — register one, answering its signing secret once (admins)
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { createWebhookEndpoint, listWebhookEndpoints } from "@/lib/webhooks/manage";
import { createWebhookSchema } from "@/lib/webhooks/schemas";

export const GET = withApi(async ({ ctx }) => listWebhookEndpoints(ctx), { permission: "webhooks.manage" });

export const POST = withApi(
  async ({ req, ctx }) => jsonResponse(await createWebhookEndpoint(ctx, createWebhookSchema.parse(await readJson(req))), { status: 201 }),
  { permission: "webhooks.manage" },
);
