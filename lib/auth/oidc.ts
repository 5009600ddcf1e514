import type { OIDCConfig } from "next-auth/providers";
import type { Env } from "@/lib/env";

export interface OidcSettings {
  id: "oidc";
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/**
 * SSO is on when an issuer, client id and secret are all configured. Half a configuration is a
 * mistake worth failing on at start rather than a sign-in button that cannot work.
 */
export function oidcSettings(e: Pick<Env, "AUTH_OIDC_ISSUER" | "AUTH_OIDC_CLIENT_ID" | "AUTH_OIDC_CLIENT_SECRET" | "AUTH_OIDC_NAME">): OidcSettings | null {
  const parts = [e.AUTH_OIDC_ISSUER, e.AUTH_OIDC_CLIENT_ID, e.AUTH_OIDC_CLIENT_SECRET];
  if (parts.every((p) => !p)) return null;
  if (parts.some((p) => !p)) {
    throw new Error("SSO needs AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET together.");
  }
  return { id: "oidc", name: e.AUTH_OIDC_NAME, issuer: e.AUTH_OIDC_ISSUER!, clientId: e.AUTH_OIDC_CLIENT_ID!, clientSecret: e.AUTH_OIDC_CLIENT_SECRET! };
}

export function oidcProvider(settings: OidcSettings): OIDCConfig<Record<string, unknown>> {
  return { ...settings, type: "oidc", checks: ["pkce", "state", "nonce"] };
}
