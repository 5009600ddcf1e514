import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { headers as requestHeaders } from "next/headers";
import { getDb, type Database, type Tx } from "@/db/client";
import { users, type User } from "@/db/schema";
import { sessionClaims } from "./session-token";

/**
 * The enabled account behind the session cookie, re-read on every request so role changes apply at once;
 * null when the token's session version is no longer the account's (signed out, password changed,
 * disabled), which makes a captured cookie worthless from that moment.
 */
export async function sessionUser(headers?: Headers): Promise<User | null> {
  const claims = await sessionClaims(headers ?? (await requestHeaders()));
  if (!claims) return null;
  const [user] = await currentAccount().execute({ id: claims.userId, version: claims.sessionVersion });
  return user ?? null;
}

// Built once (it runs on every request made with the session cookie), executed with parameters.
let currentAccountQuery: ReturnType<typeof prepareCurrentAccount> | undefined;
function prepareCurrentAccount() {
  return getDb()
    .select()
    .from(users)
    .where(and(eq(users.id, sql.placeholder("id")), eq(users.sessionVersion, sql.placeholder("version")), isNull(users.disabledAt)))
    .prepare("session_user_current_account");
}
function currentAccount() {
  currentAccountQuery ??= prepareCurrentAccount();
  return currentAccountQuery;
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
