"use server";

import { z } from "zod";
import { withAction } from "@/lib/api/with-action";
import { revokeApiKey } from "./manage";

const revoke = withAction(async (ctx, id: string) => revokeApiKey(ctx, z.uuid().parse(id)), { permission: "api_keys.manage" });

// Server action: revoke a key from the API keys page; ownership is checked by the service.
export async function revokeApiKeyAction(id: string) {
  return revoke(id);
}
