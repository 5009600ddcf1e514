import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users, type User } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { requestInfo } from "@/lib/api/request-info";
import { recordAuditEvent } from "@/lib/audit/record";
import { enforceRateLimits, resetRateLimit } from "@/lib/rate-limit/limits";
import { hashPassword, needsRehash, verifyPassword } from "./password";

export type SignInResult = { user: User } | { error: "invalid_credentials" | "rate_limited" };

/**
 * Checks email and password within the sign-in limits; every attempt, good or bad, leaves an audit event.
 * Both limits are consumed before the password is looked at, so parallel guesses cannot outrun the count:
 * attempts per address (resolved over trusted proxies only) and attempts per account, whatever the
 * address. A success clears the account's count.
 */
export async function authenticateWithPassword(input: { email: string; password: string }, request: Request): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const info = requestInfo(request);
  const db = getDb();
  const audit = (outcome: "success" | "failure" | "denied", user: User | null, details: Record<string, unknown>) =>
    db.transaction((tx) =>
      recordAuditEvent(
        { tx, actor: user ? { type: "user", userId: user.id, role: user.role, email: user.email } : null, request: info },
        { action: "auth.sign_in", outcome, details },
      ),
    );
  const accountKey = `account:${email}`;
  try {
    await enforceRateLimits([["signInIp", info.ip && `ip:${info.ip}`], ["signIn", accountKey]]);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 429) throw err;
    await audit("denied", null, { email, reason: "rate_limited" });
    return { error: "rate_limited" };
  }
  const [user] = await db.select().from(users).where(and(eq(users.email, email), isNull(users.disabledAt)));
  const ok = await verifyPassword(input.password, user?.passwordHash);
  if (!ok || !user) {
    await audit("failure", null, { email });
    return { error: "invalid_credentials" };
  }
  await resetRateLimit("signIn", accountKey);
  if (user.passwordHash && needsRehash(user.passwordHash)) {
    // Hashes made with older parameters are replaced while the password is at hand.
    await db.update(users).set({ passwordHash: await hashPassword(input.password) }).where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
  }
  await audit("success", user, {});
  return { user };
}
