import "server-only";
import type { Role } from "@/db/schema";
import { processMap } from "@/lib/process-map";

/**
 * What an app instance remembers about a key it has read, for `API_KEY_CACHE_SECONDS`: enough to refuse
 * or admit a request without a statement. The secret itself is never kept, only the stored SHA-256 of it,
 * checked against the presented secret on every request. Revoked keys and disabled owners are remembered
 * too (so a hammering client costs no statement either); unknown prefixes are not, so guessing cannot
 * fill the cache.
 */
export interface CachedApiKey {
  keyId: string;
  ownerId: string;
  secretHash: Buffer;
  role: Role;
  scopes: string[];
  cameraId: string | null;
  filenamePrefix: string | null;
  expiresAt: number | null;
  revoked: boolean;
  ownerDisabled: boolean;
  /** When this instance read the row (epoch ms); the entry is trusted until this plus the TTL. */
  loadedAt: number;
  /** When last use was last recorded (by anyone, as far as this instance knows), epoch ms. */
  lastUseRecordedAt: number;
}

// Enough for every camera of a large fleet; beyond it the oldest entry goes (a Map keeps insertion order).
const MAX_ENTRIES = 10_000;

// Shared by every route of the process: a revocation in one route must drop the entry the others read.
function entries() {
  return processMap<string, CachedApiKey>("apiKeys", MAX_ENTRIES);
}

export function cachedApiKey(prefix: string, ttlMs: number, now: number): CachedApiKey | undefined {
  const entry = entries().get(prefix);
  if (!entry) return undefined;
  if (now - entry.loadedAt < ttlMs) return entry;
  entries().delete(prefix);
  return undefined;
}

export function rememberApiKey(prefix: string, entry: CachedApiKey): void {
  entries().set(prefix, entry);
}

/** Called by whatever revokes a key on this instance: the change applies here on the next request. */
export function forgetApiKey(prefix: string): void {
  entries().delete(prefix);
}

/** Called when an owner is disabled, re-enabled or changes role: every key of theirs is read again. */
export function forgetApiKeysOf(ownerId: string): void {
  for (const [prefix, entry] of entries()) if (entry.ownerId === ownerId) entries().delete(prefix);
}
