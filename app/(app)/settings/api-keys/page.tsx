import type { Metadata } from "next";
import { ApiKeysManager } from "@/components/settings/api-keys";
import { requirePermission } from "@/lib/auth/current-user";
import { API_KEY_SCOPES, roleHas, roleMayGrantScope } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const user = await requirePermission("api_keys.manage");
  return (
    <ApiKeysManager
      grantableScopes={API_KEY_SCOPES.filter((s) => roleMayGrantScope(user.role, s))}
      showOwner={roleHas(user.role, "api_keys.manage_all")}
    />
  );
}
