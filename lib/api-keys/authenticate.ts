import "server-only";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeys, users } from "@/db/schema";
import { unauthorized } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { cachedApiKey, rememberApiKey, type CachedApiKey } from "./cache";
import { apiKeyPrefixOf, hashMatches } from "./secret";

const USE_RECORD_INTERVAL_MS = 60_000;

// Concurrent first requests of one key share one read.
const globalForLoads = globalThis as unknown as { framevaultApiKeyLoads?: Map<string, Promise<CachedApiKey | null>> };

/**
 * Resolves `Authorization: Bearer <key>`. Any key that is unknown, revoked, expired or whose owner is
 * disabled is a 401; there is no fallback to the session cookie once a key was sent.
 *
 * The row is read once per `API_KEY_CACHE_SECONDS` per app instance (see ./cache.ts), so a revocation,
 * a disabled owner or a role change made elsewhere applies here within that delay; the secret is checked
 * against the stored hash and the expiry against the clock on every request. The common request makes no
 * statement at all.
 */
export async function authenticateApiKey(secret: string, request: RequestInfo): Promise<Actor> {
  const prefix = apiKeyPrefixOf(secret);
  if (!prefix) throw unauthorized("The API key is malformed.");
  const now = Date.now();
  const key = cachedApiKey(prefix, env().API_KEY_CACHE_SECONDS * 1000, now) ?? (await loadApiKey(prefix, now));
  if (!key || !hashMatches(secret, key.secretHash)) throw unauthorized("The API key is not valid.");
  if (key.revoked) throw unauthorized("The API key was revoked.");
  if (key.expiresAt !== null && key.expiresAt <= now) throw unauthorized("The API key has expired.");
  if (key.ownerDisabled) throw unauthorized("The API key's account is disabled.");

  const actor: Actor = {
    type: "apiKey", keyId: key.keyId, userId: key.ownerId, role: key.role, scopes: key.scopes,
    cameraId: key.cameraId, filenamePrefix: key.filenamePrefix,
  };
  if (now - key.lastUseRecordedAt >= USE_RECORD_INTERVAL_MS) await recordUse(key, actor, prefix, request, now);
  return actor;
}

function loadApiKey(prefix: string, now: number): Promise<CachedApiKey | null> {
  const loads = (globalForLoads.framevaultApiKeyLoads ??= new Map());
  let load = loads.get(prefix);
  if (!load) {
    load = readApiKey(prefix, now).finally(() => loads.delete(prefix));
    loads.set(prefix, load);
  }
  return load;
}

async function readApiKey(prefix: string, now: number): Promise<CachedApiKey | null> {
  const [row] = await getDb()
    .select({ key: apiKeys, role: users.role, disabledAt: users.disabledAt })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.ownerId))
    .where(eq(apiKeys.prefix, prefix));
  if (!row) return null;
  const entry: CachedApiKey = {
    keyId: row.key.id, ownerId: row.key.ownerId, secretHash: Buffer.from(row.key.secretHash, "hex"),
    role: row.role, scopes: row.key.scopes, cameraId: row.key.cameraId, filenamePrefix: row.key.filenamePrefix,
    expiresAt: row.key.expiresAt?.getTime() ?? null, revoked: row.key.revokedAt !== null, ownerDisabled: row.disabledAt !== null,
    loadedAt: now, lastUseRecordedAt: row.key.lastUsedAt?.getTime() ?? 0,
  };
  rememberApiKey(prefix, entry);
  return entry;
}

/**
 * Last use is recorded (and audited) at most once a minute per key. The decision is made in memory first,
 * and the entry is marked before the write so parallel requests do not all attempt it; the statement's own
 * condition keeps two instances from both recording within the minute.
 */
async function recordUse(key: CachedApiKey, actor: Actor, prefix: string, request: RequestInfo, now: number): Promise<void> {
  const previous = key.lastUseRecordedAt;
  key.lastUseRecordedAt = now;
  try {
    await getDb().transaction(async (tx) => {
      const touched = await tx
        .update(apiKeys)
        .set({ lastUsedAt: new Date(now) })
        .where(and(eq(apiKeys.id, key.keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - ${`${USE_RECORD_INTERVAL_MS} milliseconds`}::interval`))))
        .returning({ id: apiKeys.id });
      if (touched.length) await recordAuditEvent({ tx, actor, request }, { action: "api_key.use", details: { keyId: key.keyId, prefix } });
    });
  } catch (err) {
    key.lastUseRecordedAt = previous;
    throw err;
  }
}
