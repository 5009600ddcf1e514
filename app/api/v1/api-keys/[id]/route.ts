// DELETE /api/v1/api-keys/{id} — revoke an API key
import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { revokeApiKey } from "@/lib/api-keys/manage";

export const DELETE = withApi<{ id: string }>(
  async ({ ctx, params }) => revokeApiKey(ctx, z.uuid().parse(params.id)),
  { permission: "api_keys.manage" },
);
