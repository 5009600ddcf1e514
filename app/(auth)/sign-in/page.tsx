import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signInWithSsoAction } from "@/lib/auth/actions";
import { oidcSettings } from "@/lib/auth/oidc";
import { sessionUser } from "@/lib/auth/session-user";
import { env } from "@/lib/env";
import { SignInForm } from "./_components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  // A cookie whose session was ended is no session: redirecting on it would loop with requireUser.
  if (await sessionUser()) redirect("/");
  const { callbackUrl } = await searchParams;
  const sso = oidcSettings(env());
  return (
    <div className="auth-wrap">
      <div className="card auth-card stack">
        <div className="brand">
          <span className="brand-mark" aria-hidden>F</span>
          <span>Framevault</span>
        </div>
        <div>
          <h1>Sign in</h1>
          <p className="muted" style={{ margin: "4px 0 0" }}>Snapshots and clips from your counting cameras.</p>
        </div>
        <SignInForm callbackUrl={callbackUrl} />
        {sso && (
          <>
            <div className="row muted" style={{ justifyContent: "center", fontSize: 12 }}>or</div>
            <form action={signInWithSsoAction}>
              <input type="hidden" name="callbackUrl" value={callbackUrl ?? "/"} />
              <button className="btn" type="submit" style={{ width: "100%" }}>{`Sign in with ${sso.name}`}</button>
            </form>
          </>
        )}
      </div>
    </div>
  );
}
