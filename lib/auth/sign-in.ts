import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users, type User } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { requestInfo } from "@/lib/api/request-info";
import { recordAuditEvent } from "@/lib/audit/record";
import { enforceRateLimit, failureLimit } from "@/lib/rate-limit/limits";
import { verifyPassword } from "./password";

export type SignInResult = { user: User } | { error: "invalid_credentials" | "rate_limited" };

/**
 * Checks email and password within the sign-in limits (wrong passwords per account and address; all
 * attempts per address); every attempt, good or bad, leaves an audit event.
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
  const accountKey = `email:${email}|${info.ip ?? ""}`;
  try {
    await enforceRateLimit("signInIp", [info.ip && `ip:${info.ip}`]);
    await failureLimit.check("signIn", accountKey);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 429) throw err;
    await audit("denied", null, { email, reason: "rate_limited" });
    return { error: "rate_limited" };
  }
  const [user] = await db.select().from(users).where(and(eq(users.email, email), isNull(users.disabledAt)));
  const ok = await verifyPassword(input.password, user?.passwordHash);
  await (ok ? failureLimit.reset("signIn", accountKey) : failureLimit.fail("signIn", accountKey));
  await audit(ok ? "success" : "failure", ok ? user : null, ok ? {} : { email });
  return ok && user ? { user } : { error: "invalid_credentials" };
}
