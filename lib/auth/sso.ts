import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users, type User } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";

/**
 * The Framevault account behind an SSO sign-in, matched by verified email. A first sign-in creates a
 * plain user; admins grant other roles. Disabled accounts stay out.
 */
export async function accountForSsoSignIn(email: string, name: string | null | undefined): Promise<User | null> {
  const normalised = email.trim().toLowerCase();
  return getDb().transaction(async (tx) => {
    const [existing] = await tx.select().from(users).where(eq(users.email, normalised));
    const user =
      existing ??
      (await tx.insert(users).values({ email: normalised, name: name?.trim() || normalised, role: "user" }).returning())[0];
    const allowed = user.disabledAt === null;
    await recordAuditEvent(
      { tx, actor: allowed ? { type: "user", userId: user.id, role: user.role, email: user.email } : null },
      { action: "auth.sign_in", outcome: allowed ? "success" : "denied", details: { via: "oidc", created: !existing, ...(allowed ? {} : { email: normalised }) } },
    );
    return allowed ? user : null;
  });
}

/** The account an SSO session stands for, without side effects (the sign-in itself was audited). */
export async function localAccountForEmail(email: string): Promise<User | null> {
  const [user] = await getDb().select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return user && user.disabledAt === null ? user : null;
}
