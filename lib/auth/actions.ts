"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { signIn, signOut } from "@/lib/auth";

export interface SignInState {
  error?: string;
  email?: string;
}

const schema = z.object({
  email: z.string().trim().min(1, "Enter your email."),
  password: z.string().min(1, "Enter your password."),
  callbackUrl: z.string().optional(),
});

/** Only same-site paths are followed after sign-in, never another origin. */
function safeCallback(url: string | undefined): string {
  return url && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}

// Server action: anyone may attempt to sign in; Auth.js and the credentials check decide.
export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const parsed = schema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { error: parsed.error.issues[0]?.message, email: String(form.get("email") ?? "") };
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeCallback(parsed.data.callbackUrl),
    });
  } catch (err) {
    if (err instanceof CredentialsSignin && err.code === "rate_limited") {
      return { error: "Too many sign-in attempts. Wait a few minutes and try again.", email: parsed.data.email };
    }
    if (err instanceof AuthError) return { error: "Wrong email or password.", email: parsed.data.email };
    throw err; // the redirect after a successful sign-in is thrown too
  }
  return {};
}

// Server action: starts SSO; the identity provider and the signIn callback decide who gets in.
export async function signInWithSsoAction(form: FormData): Promise<void> {
  await signIn("oidc", { redirectTo: safeCallback(String(form.get("callbackUrl") ?? "")) });
}

// Server action: signing out needs no permission; it only ends the caller's own session.
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
