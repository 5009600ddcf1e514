import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { headers as requestHeaders } from "next/headers";
import { getDb, type Database, type Tx } from "@/db/client";
import { users, type User } from "@/db/schema";
import { env } from "@/lib/env";
import { processMap } from "@/lib/process-map";
import { sessionClaims } from "./session-token";

/**
 * The enabled account behind the session cookie; null when the token's session version is no longer the
 * account's (signed out, disabled), which makes a captured cookie worthless from that moment. Read once per
 * `SESSION_CACHE_SECONDS` per app instance and session version: what this instance changes (sign-out,
 * disabling, a role change) it forgets at once (`forgetSessionAccounts`); a change made on another instance
 * applies here within that delay, as for API keys.
 */
export async function sessionUser(headers?: Headers): Promise<User | null> {
  const claims = await sessionClaims(headers ?? (await requestHeaders()));
  if (!claims) return null;
  const ttlMs = env().SESSION_CACHE_SECONDS * 1000;
  if (ttlMs === 0) return readAccount(claims.userId, claims.sessionVersion);
  const key = `${claims.userId}:${claims.sessionVersion}`;
  const hit = accounts().get(key);
  if (hit && Date.now() - hit.loadedAt < ttlMs) return hit.user;
  return loadAccount(key, claims.userId, claims.sessionVersion);
}

/** Forgets what this instance read about the account's sessions; call it once the change is committed. */
export function forgetSessionAccounts(userId: string): void {
  forgotten().set(userId, Date.now());
  const prefix = `${userId}:`;
  for (const key of accounts().keys()) if (key.startsWith(prefix)) accounts().delete(key);
  // Reads already under way may have seen the old row: later requests must not join them.
  for (const key of loads().keys()) if (key.startsWith(prefix)) loads().delete(key);
}

// When each account was last forgotten: a read that started before that may have seen the old row, so it
// answers its own request but is not remembered.
function forgotten() {
  return processMap<string, number>("sessionAccountsForgotten", 10_000);
}

// Shared by every route of the process (see processMap): a sign-out in one route must end the session in all.
function accounts() {
  return processMap<string, { user: User | null; loadedAt: number }>("sessionAccounts", 10_000);
}

// Concurrent first requests of one session share one read.
const globalForLoads = globalThis as unknown as { framevaultSessionLoads?: Map<string, Promise<User | null>> };
function loads(): Map<string, Promise<User | null>> {
  return (globalForLoads.framevaultSessionLoads ??= new Map());
}
function loadAccount(key: string, id: string, version: number): Promise<User | null> {
  let load = loads().get(key);
  if (!load) {
    const loadedAt = Date.now();
    const started: Promise<User | null> = readAccount(id, version)
      .then((user) => {
        if ((forgotten().get(id) ?? 0) < loadedAt) accounts().set(key, { user, loadedAt });
        return user;
      })
      .finally(() => {
        if (loads().get(key) === started) loads().delete(key);
      });
    loads().set(key, (load = started));
  }
  return load;
}

async function readAccount(id: string, version: number): Promise<User | null> {
  const [user] = await currentAccount().execute({ id, version });
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
