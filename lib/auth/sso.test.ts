import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newUser } from "@/scripts/testing/client";
import { testSql } from "@/scripts/testing/backends";
import { accountForExternalIdentity, accountForSsoSignIn, type SsoAssertion } from "./sso";

// No identity provider runs here: these call the decision Auth.js's signIn callback makes with the
// claims a provider would send, against the real database.
const ISSUER = "https://sso.example.test";
const any = { allowedDomains: [] as string[] };
const assertion = (over: Partial<SsoAssertion> = {}): SsoAssertion => ({
  issuer: ISSUER,
  subject: `sub-${randomUUID()}`,
  email: `sso-${randomUUID().slice(0, 8)}@corp.example`,
  emailVerified: true,
  name: "Sam SSO",
  ...over,
});
const links = async (subject: unknown) => testSql()`select user_id from external_identities where issuer = ${ISSUER} and subject = ${String(subject)}`;

describe("SSO sign-in decisions", () => {
  it("refuses an email the provider does not vouch for, and creates nothing", async () => {
    for (const emailVerified of [undefined, false, "true", 1]) {
      const a = assertion({ emailVerified });
      expect(await accountForSsoSignIn(a, any)).toEqual({ refused: "email_not_verified" });
      expect(await testSql()`select id from users where email = ${a.email as string}`).toHaveLength(0);
    }
    expect(await accountForSsoSignIn(assertion({ email: undefined }), any)).toEqual({ refused: "email_not_verified" });
  });

  it("provisions a plain user on first sign-in and then follows the issuer + subject link, not the email", async () => {
    const a = assertion();
    const first = await accountForSsoSignIn(a, any);
    expect(first).toMatchObject({ created: true, linked: true, user: { email: a.email, role: "user", passwordHash: null } });
    const userId = "user" in first ? first.user.id : "";
    expect(await links(a.subject)).toEqual([{ user_id: userId }]);
    // The provider now reports another email for the same subject: still the same account.
    const renamed = await accountForSsoSignIn({ ...a, email: `renamed-${randomUUID().slice(0, 8)}@corp.example` }, any);
    expect(renamed).toMatchObject({ created: false, linked: false, user: { id: userId } });
    expect((await accountForExternalIdentity(ISSUER, a.subject as string))?.id).toBe(userId);
    // Another provider vouching for the same email links that same plain user (first-time link by email).
    const other = await accountForSsoSignIn(assertion({ email: a.email, issuer: "https://other-idp.example" }), any);
    expect(other).toMatchObject({ created: false, linked: true, user: { id: userId } });
  });

  it("links an existing plain user by verified email once", async () => {
    const user = await newUser("user");
    const a = assertion({ email: user.email.toUpperCase() });
    expect(await accountForSsoSignIn(a, any)).toMatchObject({ linked: true, created: false, user: { id: user.id } });
    expect(await links(a.subject)).toEqual([{ user_id: user.id }]);
  });

  it("never takes over an admin, auditor or system account by email", async () => {
    for (const role of ["admin", "auditor", "system"] as const) {
      const privileged = await newUser(role);
      const a = assertion({ email: privileged.email });
      expect(await accountForSsoSignIn(a, any)).toEqual({ refused: "privileged_account" });
      expect(await links(a.subject)).toHaveLength(0);
    }
    const [row] = await testSql()`select outcome, details from audit_events where action = 'auth.sign_in' and details->>'reason' = 'privileged_account' order by id desc limit 1`;
    expect(row).toMatchObject({ outcome: "denied", details: { via: "oidc", reason: "privileged_account" } });
  });

  it("keeps disabled accounts out, linked or not", async () => {
    const a = assertion();
    const first = await accountForSsoSignIn(a, any);
    const userId = "user" in first ? first.user.id : "";
    await testSql()`update users set disabled_at = now() where id = ${userId}`;
    expect(await accountForSsoSignIn(a, any)).toEqual({ refused: "disabled" });
    expect(await accountForExternalIdentity(ISSUER, a.subject as string)).toBeNull();
  });

  it("lets only AUTH_OIDC_ALLOWED_DOMAINS in when set, even for linked identities", async () => {
    const allowed = { allowedDomains: ["corp.example"] };
    const outsider = assertion({ email: `eve-${randomUUID().slice(0, 8)}@elsewhere.example` });
    expect(await accountForSsoSignIn(outsider, allowed)).toEqual({ refused: "domain_not_allowed" });
    expect(await testSql()`select id from users where email = ${outsider.email as string}`).toHaveLength(0);
    expect(await accountForSsoSignIn(assertion(), allowed)).toMatchObject({ created: true });
    // Linked while any domain was allowed, refused once the list excludes it.
    expect(await accountForSsoSignIn(outsider, any)).toMatchObject({ created: true });
    expect(await accountForSsoSignIn(outsider, allowed)).toEqual({ refused: "domain_not_allowed" });
    // A look-alike suffix is not the domain.
    expect(await accountForSsoSignIn(assertion({ email: `x-${randomUUID().slice(0, 8)}@evilcorp.example` }), allowed)).toEqual({ refused: "domain_not_allowed" });
  });
});
