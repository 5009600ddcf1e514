import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "@/db/client";
import type { Role } from "@/db/schema";
import { requestInfo } from "@/lib/api/request-info";
import { recordAuditEvent } from "@/lib/audit/record";
import { env } from "@/lib/env";
import { oidcProvider, oidcSettings } from "./oidc";
import { forgetSessionAccounts, revokeSessions } from "./session-user";
import { authenticateWithPassword } from "./sign-in";
import { accountForExternalIdentity, accountForSsoSignIn } from "./sso";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: Role; sessionVersion?: number };
  }
  interface User {
    role?: Role;
    sessionVersion?: number;
  }
}

/** Carries why a sign-in was refused to the sign-in form (as `code`), without saying which part was wrong. */
class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

const credentialsSchema = z.object({ email: z.email(), password: z.string().min(1).max(1024) });

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const sso = oidcSettings(env());
  return {
  secret: env().AUTH_SECRET,
  trustHost: true,
  // Credentials sign-in requires JWT sessions in Auth.js. The token carries the account's session
  // version; every request re-reads the account (lib/auth/session-user.ts), so a role change, a disabled
  // account or a sign-out takes effect at once.
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // `request` carries the original headers, including the socket address server.mjs sets, so the
      // address limit and the audit row see the same client address as every API route.
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new SignInRefused("invalid_credentials");
        const result = await authenticateWithPassword(parsed.data, request);
        if ("error" in result) throw new SignInRefused(result.error);
        const { user } = result;
        return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
      },
    }),
    ...(sso ? [oidcProvider(sso)] : []),
  ],
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      if (!sso) return false;
      const decision = await accountForSsoSignIn(
        { issuer: sso.issuer, subject: profile?.sub, email: profile?.email, emailVerified: profile?.email_verified, name: profile?.name },
        { allowedDomains: env().AUTH_OIDC_ALLOWED_DOMAINS, request: requestInfo(await headers()) },
      );
      return "user" in decision;
    },
    async jwt({ token, user, account, profile }) {
      if (account?.provider === "oidc" && sso) {
        const local = typeof profile?.sub === "string" ? await accountForExternalIdentity(sso.issuer, profile.sub) : null;
        token.sub = local?.id ?? "";
        token.role = local?.role;
        token.sv = local?.sessionVersion;
      } else if (user) {
        token.sub = user.id;
        token.role = user.role;
        token.sv = user.sessionVersion;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = (token.role as Role) ?? "user";
      session.user.sessionVersion = typeof token.sv === "number" ? token.sv : undefined;
      return session;
    },
  },
  events: {
    // Sign-out ends the session on the server too: the version in every token issued so far stops matching.
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (!token?.sub || typeof token.sv !== "number") return;
      const userId = token.sub;
      await getDb().transaction(async (tx) => {
        if (!(await revokeSessions(userId, tx, token.sv as number))) return;
        await recordAuditEvent({ tx, actor: { type: "user", userId, role: (token.role as Role) ?? "user", email: token.email ?? "" }, request: requestInfo(await headers()) }, { action: "auth.sign_out" });
      });
      forgetSessionAccounts(userId);
    },
  },
  };
});
