import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Session } from "next-auth";
import { getDb, type Database, type Tx } from "@/db/client";
import { users, type User } from "@/db/schema";
import { auth } from "@/lib/auth";

/**
 * The enabled account behind the session cookie, re-read on every request so role changes apply at once;
 * null when the token's session version is no longer the account's (signed out, password changed,
 * disabled), which makes a captured cookie worthless from that moment.
 */
export async function sessionUser(session?: Session | null): Promise<User | null> {
  const current = session === undefined ? await auth() : session;
  const id = current?.user?.id;
  const version = current?.user?.sessionVersion;
  if (!id || typeof version !== "number") return null;
  const [user] = await getDb()
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.sessionVersion, version), isNull(users.disabledAt)));
  return user ?? null;
}

/**
 * Ends every session of the account issued so far (in the caller's transaction when given one). With
 * `ifVersion`, only when that is still the current version (a stale token's sign-out changes nothing).
 */
export async function revokeSessions(userId: string, db: Database | Tx = getDb(), ifVersion?: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(and(eq(users.id, userId), ifVersion === undefined ? undefined : eq(users.sessionVersion, ifVersion)))
    .returning({ id: users.id });
  return rows.length > 0;
}
