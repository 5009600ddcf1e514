import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { apiKeys, users, type ApiKey } from "@/db/schema";
import { badRequest, forbidden, notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorHas, owningUserId, type ServiceContext } from "@/lib/auth/actor";
import { roleMayGrantScope, type ApiKeyScope } from "@/lib/auth/permissions";
import type { CreateApiKeyInput } from "./schemas";
import { forgetApiKey } from "./cache";
import { generateApiKeySecret } from "./secret";

export function toPublicApiKey(k: ApiKey & { ownerEmail?: string | null }) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    cameraId: k.cameraId,
    keyPrefix: k.filenamePrefix,
    ownerId: k.ownerId,
    ownerEmail: k.ownerEmail ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}
export type PublicApiKey = ReturnType<typeof toPublicApiKey>;

/** Creates a key and returns its secret: the only time it is ever shown. */
export async function createApiKey(ctx: ServiceContext, input: CreateApiKeyInput) {
  const self = owningUserId(ctx.actor);
  const ownerId = input.ownerId ?? self;
  if (!ownerId) throw badRequest("Name the account that owns the key (ownerId).");
  if (ownerId !== self && !actorHas(ctx.actor, "api_keys.manage_all")) throw forbidden("Only admins create keys for other accounts.");
  const { secret, prefix, hash } = generateApiKeySecret();
  const key = await getDb().transaction(async (tx) => {
    const [owner] = await tx.select().from(users).where(and(eq(users.id, ownerId), isNull(users.disabledAt)));
    if (!owner) throw notFound("Owner");
    const refused = input.scopes.filter((s) => !roleMayGrantScope(owner.role, s as ApiKeyScope));
    if (refused.length) throw forbidden(`A ${owner.role} account cannot hold the scope(s): ${refused.join(", ")}.`);
    const [row] = await tx
      .insert(apiKeys)
      .values({
        ownerId, name: input.name, prefix, secretHash: hash, scopes: input.scopes,
        cameraId: input.cameraId ?? null, filenamePrefix: input.keyPrefix ?? null,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null, createdBy: self,
      })
      .returning();
    await recordAuditEvent({ ...ctx, tx }, { action: "api_key.create", details: { keyId: row.id, prefix, ownerId, scopes: input.scopes } });
    return row;
  });
  return { ...toPublicApiKey(key), secret };
}

/** One's own keys; with api_keys.manage_all (admins), everyone's. */
export async function listApiKeys(ctx: ServiceContext) {
  const self = owningUserId(ctx.actor);
  const all = actorHas(ctx.actor, "api_keys.manage_all");
  if (!all && !self) return { apiKeys: [] };
  const rows = await getDb()
    .select({ key: apiKeys, ownerEmail: users.email })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.ownerId))
    .where(all ? undefined : eq(apiKeys.ownerId, self!))
    .orderBy(desc(apiKeys.createdAt));
  return { apiKeys: rows.map((r) => toPublicApiKey({ ...r.key, ownerEmail: r.ownerEmail })) };
}

/**
 * Revokes a key. This instance forgets what it cached about the key once the change is committed, so it
 * refuses the key from the next request; other instances do within `API_KEY_CACHE_SECONDS`.
 */
export async function revokeApiKey(ctx: ServiceContext, keyId: string) {
  const self = owningUserId(ctx.actor);
  const all = actorHas(ctx.actor, "api_keys.manage_all");
  const revoked = await getDb().transaction(async (tx) => {
    const [key] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, keyId), all ? undefined : self ? eq(apiKeys.ownerId, self) : sql`false`))
      .for("update");
    if (!key) throw notFound("API key");
    const revokedAt = key.revokedAt ?? new Date();
    if (!key.revokedAt) {
      await tx.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, key.id));
      await recordAuditEvent({ ...ctx, tx }, { action: "api_key.revoke", details: { keyId: key.id, prefix: key.prefix, ownerId: key.ownerId } });
    }
    return toPublicApiKey({ ...key, revokedAt });
  });
  forgetApiKey(revoked.prefix);
  return revoked;
}
