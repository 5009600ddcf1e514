import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users, type User } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import { requestInfo } from "@/lib/api/request-info";
import { verifyPassword } from "./password";

/** Checks email and password; every attempt, good or bad, leaves an audit event. */
export async function authenticateWithPassword(
  input: { email: string; password: string },
  request: Request,
): Promise<User | null> {
  const email = input.email.trim().toLowerCase();
  const db = getDb();
  const [user] = await db.select().from(users).where(and(eq(users.email, email), isNull(users.disabledAt)));
  const ok = await verifyPassword(input.password, user?.passwordHash);
  const info = requestInfo(request);
  await db.transaction((tx) =>
    recordAuditEvent(
      tx,
      { actor: ok && user ? { type: "user", userId: user.id, role: user.role, email: user.email } : null, request: info },
      { action: "auth.sign_in", outcome: ok ? "success" : "failure", details: ok ? {} : { email } },
    ),
  );
  return ok && user ? user : null;
}
