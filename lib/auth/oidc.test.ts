import { describe, expect, it } from "vitest";
import { BASE_URL } from "@/scripts/testing/client";
import { oidcProvider, oidcSettings } from "./oidc";

const full = { AUTH_OIDC_ISSUER: "https://id.example.com", AUTH_OIDC_CLIENT_ID: "fv", AUTH_OIDC_CLIENT_SECRET: "s3cret", AUTH_OIDC_NAME: "Acme SSO" };

describe("SSO configuration", () => {
  it("is off without settings and on with issuer, client id and secret", () => {
    expect(oidcSettings({ AUTH_OIDC_NAME: "SSO" })).toBeNull();
    expect(oidcSettings(full)).toEqual({ id: "oidc", name: "Acme SSO", issuer: "https://id.example.com", clientId: "fv", clientSecret: "s3cret" });
    expect(oidcProvider(oidcSettings(full)!)).toMatchObject({ type: "oidc", issuer: "https://id.example.com", checks: ["pkce", "state", "nonce"] });
  });

  it("refuses half a configuration", () => {
    expect(() => oidcSettings({ ...full, AUTH_OIDC_CLIENT_SECRET: undefined })).toThrow(/together/);
  });

  it("is offered by the app's sign-in page and listed by Auth.js when configured", async () => {
    const page = await (await fetch(`${BASE_URL}/sign-in`)).text();
    expect(page).toContain("Sign in with Example SSO");
    const providers = await (await fetch(`${BASE_URL}/api/auth/providers`)).json();
    expect(providers.oidc).toMatchObject({ id: "oidc", name: "Example SSO", type: "oidc" });
  });
});
