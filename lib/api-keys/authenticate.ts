import "server-only";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeys, users } from "@/db/schema";
import { unauthorized } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { apiKeyPrefixOf, secretMatches } from "./secret";

const USE_RECORD_INTERVAL_MS = 60_000;

/**
 * Resolves `Authorization: Bearer <key>`. Any key that is unknown, revoked, expired or whose owner is
 * disabled is a 401; there is no fallback to the session cookie once a key was sent.
 */
export async function authenticateApiKey(secret: string, request: RequestInfo): Promise<Actor> {
  const prefix = apiKeyPrefixOf(secret);
  if (!prefix) throw unauthorized("The API key is malformed.");
  const db = getDb();
  const [row] = await db
    .select({ key: apiKeys, role: users.role, disabledAt: users.disabledAt })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.ownerId))
    .where(eq(apiKeys.prefix, prefix));
  if (!row || !secretMatches(secret, row.key.secretHash)) throw unauthorized("The API key is not valid.");
  if (row.key.revokedAt) throw unauthorized("The API key was revoked.");
  if (row.key.expiresAt && row.key.expiresAt <= new Date()) throw unauthorized("The API key has expired.");
  if (row.disabledAt) throw unauthorized("The API key's account is disabled.");

  const actor: Actor = {
    type: "apiKey", keyId: row.key.id, userId: row.key.ownerId, role: row.role, scopes: row.key.scopes,
    cameraId: row.key.cameraId, filenamePrefix: row.key.filenamePrefix,
  };
  // Last use is recorded (and audited) at most once a minute per key, not on every request.
  await db.transaction(async (tx) => {
    const touched = await tx
      .update(apiKeys)
      .set({ lastUsedAt: new Date() })
      .where(and(eq(apiKeys.id, row.key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - ${`${USE_RECORD_INTERVAL_MS} milliseconds`}::interval`))))
      .returning({ id: apiKeys.id });
    if (touched.length) await recordAuditEvent({ tx, actor, request }, { action: "api_key.use", details: { keyId: row.key.id, prefix } });
  });
  return actor;
}
