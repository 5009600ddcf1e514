import "server-only";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { getDb } from "@/db/client";
import { rateLimits } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { env } from "@/lib/env";

export type LimitKind = "api" | "upload" | "signIn" | "signInIp" | "conversion";

const globalForLimits = globalThis as unknown as { framevaultLimiters?: Record<LimitKind, RateLimiterDrizzle> };

function limiters(): Record<LimitKind, RateLimiterDrizzle> {
  if (!globalForLimits.framevaultLimiters) {
    const e = env();
    const make = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterDrizzle({ storeClient: getDb(), schema: rateLimits, keyPrefix, points, duration });
    globalForLimits.framevaultLimiters = {
      api: make("api", e.RATE_LIMIT_API_PER_MINUTE, 60),
      upload: make("upload", e.RATE_LIMIT_UPLOAD_PER_MINUTE, 60),
      // Keyed on the account alone, so no choice of address or header buys more guesses at one password.
      signIn: make("signin-account", e.RATE_LIMIT_SIGNIN_PER_15_MINUTES, 15 * 60),
      signInIp: make("signin-ip", e.RATE_LIMIT_SIGNIN_IP_PER_15_MINUTES, 15 * 60),
      // Format conversions that miss the cache: each decodes and re-encodes a whole image.
      conversion: make("conversion", e.RATE_LIMIT_CONVERSION_PER_MINUTE, 60),
    };
  }
  return globalForLimits.framevaultLimiters;
}

/** The 429 every limit answers with, `Retry-After` in whole seconds. */
export function tooMany(msBeforeNext: number): ApiError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new ApiError(429, "rate_limited", `Too many requests; try again in ${seconds} s.`, { "Retry-After": String(seconds) });
}

/** Takes one point from each key's bucket; the first exhausted bucket ends the request with a 429. */
export async function enforceRateLimit(kind: LimitKind, keys: (string | null | undefined)[]): Promise<void> {
  for (const key of keys) {
    if (!key) continue;
    try {
      await limiters()[kind].consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw tooMany(err.msBeforeNext);
    }
  }
}

/** Forgets what a key has consumed (a successful sign-in clears that account's attempts). */
export async function resetRateLimit(kind: LimitKind, key: string): Promise<void> {
  await limiters()[kind].delete(key);
}
