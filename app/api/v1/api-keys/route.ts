// GET /api/v1/api-keys — list API keys (own; all for admins); POST — create one (secret shown once)
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { createApiKey, listApiKeys } from "@/lib/api-keys/manage";
import { createApiKeySchema } from "@/lib/api-keys/schemas";

export const GET = withApi(async ({ ctx }) => listApiKeys(ctx), { permission: "api_keys.manage" });

export const POST = withApi(
  async ({ req, ctx }) => jsonResponse(await createApiKey(ctx, createApiKeySchema.parse(await readJson(req))), { status: 201 }),
  { permission: "api_keys.manage" },
);
