import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { ApiError } from "@/lib/api/errors";
import { env, type Env } from "@/lib/env";
import { recordRateLimitRefusal } from "@/lib/metrics/record";

export type LimitKind = "api" | "upload" | "signIn" | "signInIp" | "conversion";

/*
 * Why this design: every limit is a fixed window counter in the UNLOGGED table `rate_limits`, and all the
 * keys one request is counted against (its actor and address, plus the upload limit on upload routes) are
 * taken in ONE statement: one round trip, and since an unlogged table writes no WAL, its commit waits for no
 * disk flush. The counters stay exact and shared by every app instance, so a limit holds however requests
 * are spread over instances. Rejected: rate-limiter-flexible's in-memory limiter in front of Postgres
 * (`inMemoryBlockOnConsumed`, `insuranceLimiter`) only saves statements once a key is already blocked, and
 * per-instance counters would let N instances admit N times a limit. What is given up: after a crash of
 * Postgres an unlogged table comes back empty, so the current windows start over; harmless for limits.
 */
const LIMITS: Record<LimitKind, { prefix: string; points: (e: Env) => number; seconds: number }> = {
  api: { prefix: "api", points: (e) => e.RATE_LIMIT_API_PER_MINUTE, seconds: 60 },
  upload: { prefix: "upload", points: (e) => e.RATE_LIMIT_UPLOAD_PER_MINUTE, seconds: 60 },
  // Keyed on the account alone, so no choice of address or header buys more guesses at one password.
  signIn: { prefix: "signin-account", points: (e) => e.RATE_LIMIT_SIGNIN_PER_15_MINUTES, seconds: 15 * 60 },
  signInIp: { prefix: "signin-ip", points: (e) => e.RATE_LIMIT_SIGNIN_IP_PER_15_MINUTES, seconds: 15 * 60 },
  // Format conversions that miss the cache: each decodes and re-encodes a whole image.
  conversion: { prefix: "conversion", points: (e) => e.RATE_LIMIT_CONVERSION_PER_MINUTE, seconds: 60 },
};

/** Windows that ended this long ago are deleted, at most once per interval per process. */
const PRUNE_INTERVAL_MS = 10 * 60_000;
const globalForPrune = globalThis as unknown as { framevaultRateLimitPrunedAt?: number };

/** The 429 every limit answers with, `Retry-After` in whole seconds. */
export function tooMany(msBeforeNext: number): ApiError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new ApiError(429, "rate_limited", `Too many requests; try again in ${seconds} s.`, { "Retry-After": String(seconds) });
}

/** Takes one point from each key's bucket of its kind, all in one statement; an exhausted bucket ends the request with a 429. */
export async function enforceRateLimits(checks: readonly (readonly [LimitKind, string | null | undefined])[]): Promise<void> {
  const e = env();
  const buckets = new Map<string, { points: number; seconds: number }>();
  for (const [kind, key] of checks) {
    if (!key) continue;
    const limit = LIMITS[kind];
    buckets.set(`${limit.prefix}:${key}`, { points: limit.points(e), seconds: limit.seconds });
  }
  if (buckets.size === 0) return;
  const values = [...buckets].map(([key, b]) => sql`(${key}, 1, now() + make_interval(secs => ${b.seconds}))`);
  const rows = await getDb().execute<{ key: string; points: number; ms: number }>(sql`
    insert into rate_limits as r (key, points, expire) values ${sql.join(values, sql`, `)}
    on conflict (key) do update set
      points = case when r.expire > now() then r.points + 1 else 1 end,
      expire = case when r.expire > now() then r.expire else excluded.expire end
    returning r.key, r.points, ceil(extract(epoch from r.expire - now()) * 1000)::int as ms`);
  pruneExpiredWindows();
  const exhausted = rows.filter((row) => row.points > buckets.get(row.key)!.points);
  if (exhausted.length > 0) {
    for (const kind of new Set(checks.filter(([k, key]) => key && exhausted.some((row) => row.key === `${LIMITS[k].prefix}:${key}`)).map(([k]) => k))) recordRateLimitRefusal(kind);
    throw tooMany(Math.max(...exhausted.map((row) => row.ms)));
  }
}

/** Takes one point from each of `keys` in `kind`'s buckets (see `enforceRateLimits`). */
export async function enforceRateLimit(kind: LimitKind, keys: (string | null | undefined)[]): Promise<void> {
  await enforceRateLimits(keys.map((key) => [kind, key]));
}

/** Forgets what a key has consumed (a successful sign-in clears that account's attempts). */
export async function resetRateLimit(kind: LimitKind, key: string): Promise<void> {
  await getDb().execute(sql`delete from rate_limits where key = ${`${LIMITS[kind].prefix}:${key}`}`);
}

function pruneExpiredWindows(): void {
  const now = Date.now();
  if (now - (globalForPrune.framevaultRateLimitPrunedAt ?? 0) < PRUNE_INTERVAL_MS) return;
  globalForPrune.framevaultRateLimitPrunedAt = now;
  void getDb().execute(sql`delete from rate_limits where expire < now() - interval '1 minute'`).catch(() => {});
}
