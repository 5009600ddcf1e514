import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "@/lib/env";
import type { Role } from "@/db/schema";
import { oidcProvider, oidcSettings } from "./oidc";
import { authenticateWithPassword } from "./sign-in";
import { accountForSsoSignIn, localAccountForEmail } from "./sso";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: Role };
  }
  interface User {
    role?: Role;
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
  // Credentials sign-in requires JWT sessions in Auth.js; the role is re-read from the database on
  // every API call, so a role change or a disabled account takes effect at once.
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new SignInRefused("invalid_credentials");
        const result = await authenticateWithPassword(parsed.data, request);
        if ("error" in result) throw new SignInRefused(result.error);
        const { user } = result;
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
    ...(sso ? [oidcProvider(sso)] : []),
  ],
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      // Only an address the identity provider vouches for may be linked to an account.
      if (typeof profile?.email !== "string" || profile.email_verified === false) return false;
      return (await accountForSsoSignIn(profile.email, typeof profile.name === "string" ? profile.name : null)) !== null;
    },
    async jwt({ token, user, account, profile }) {
      if (account?.provider === "oidc" && typeof profile?.email === "string") {
        const local = await localAccountForEmail(profile.email);
        if (local) {
          token.sub = local.id;
          token.role = local.role;
        }
      } else if (user) {
        token.sub = user.id;
        token.role = user.role;
      }
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = (token.role as Role) ?? "user";
      return session;
    },
  },
  };
});
