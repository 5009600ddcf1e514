import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { externalIdentities, users, type User } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import type { RequestInfo } from "./actor";

/** What the identity provider asserted, as Auth.js hands it over (claims are untrusted in shape). */
export interface SsoAssertion {
  issuer: string;
  subject: unknown;
  email: unknown;
  emailVerified: unknown;
  name: unknown;
}

export type SsoRefusal = "email_not_verified" | "domain_not_allowed" | "privileged_account" | "disabled";
export type SsoDecision = { user: User; linked: boolean; created: boolean } | { refused: SsoRefusal };

/**
 * Who an SSO sign-in is. An identity already linked (issuer + subject) is that account. Otherwise the
 * provider must vouch for the email (`email_verified === true`): a new address provisions a plain user,
 * an existing plain user is linked once, and an admin, auditor or system account is never taken over by
 * email (they sign in with their password). With AUTH_OIDC_ALLOWED_DOMAINS set, other domains stay out,
 * linked or not. Every outcome is audited in the same transaction as the link it makes.
 */
export async function accountForSsoSignIn(
  assertion: SsoAssertion,
  opts: { allowedDomains: readonly string[]; request?: RequestInfo },
): Promise<SsoDecision> {
  const email = typeof assertion.email === "string" ? assertion.email.trim().toLowerCase() : "";
  const subject = typeof assertion.subject === "string" ? assertion.subject : "";
  const name = typeof assertion.name === "string" && assertion.name.trim() ? assertion.name.trim().slice(0, 120) : email;
  return getDb().transaction(async (tx) => {
    const decide = async (): Promise<SsoDecision> => {
      if (!email || !subject || assertion.emailVerified !== true) return { refused: "email_not_verified" };
      const domain = email.slice(email.lastIndexOf("@") + 1);
      if (opts.allowedDomains.length > 0 && !opts.allowedDomains.includes(domain)) return { refused: "domain_not_allowed" };
      const [link] = await tx
        .select({ user: users, id: externalIdentities.id })
        .from(externalIdentities)
        .innerJoin(users, eq(users.id, externalIdentities.userId))
        .where(and(eq(externalIdentities.issuer, assertion.issuer), eq(externalIdentities.subject, subject)));
      if (link) {
        if (link.user.disabledAt) return { refused: "disabled" };
        await tx.update(externalIdentities).set({ lastSignInAt: new Date() }).where(eq(externalIdentities.id, link.id));
        return { user: link.user, linked: false, created: false };
      }
      const [existing] = await tx.select().from(users).where(eq(users.email, email)).for("update");
      if (existing && existing.role !== "user") return { refused: "privileged_account" };
      if (existing?.disabledAt) return { refused: "disabled" };
      const user = existing ?? (await tx.insert(users).values({ email, name, role: "user" }).returning())[0];
      await tx.insert(externalIdentities).values({ userId: user.id, issuer: assertion.issuer, subject, email, lastSignInAt: new Date() });
      return { user, linked: true, created: !existing };
    };
    const decision = await decide();
    const actor = "user" in decision ? { type: "user" as const, userId: decision.user.id, role: decision.user.role, email: decision.user.email } : null;
    await recordAuditEvent(
      { tx, actor, request: opts.request },
      {
        action: "auth.sign_in",
        outcome: "user" in decision ? "success" : "denied",
        details: "user" in decision
          ? { via: "oidc", created: decision.created, linked: decision.linked }
          : { via: "oidc", email, reason: decision.refused },
      },
    );
    return decision;
  });
}

/** The account a linked SSO identity stands for, without side effects (the sign-in itself was audited). */
export async function accountForExternalIdentity(issuer: string, subject: string): Promise<User | null> {
  const [row] = await getDb()
    .select({ user: users })
    .from(externalIdentities)
    .innerJoin(users, eq(users.id, externalIdentities.userId))
    .where(and(eq(externalIdentities.issuer, issuer), eq(externalIdentities.subject, subject)));
  return row && row.user.disabledAt === null ? row.user : null;
}
