/**
 * Exponential backoff with jitter, as Inngest does between attempts, but capped at 30s because
 * nobody wants to wait minutes for a retry in local development.
 */
export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(1_000 * 2 ** attempt, 30_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** The SDK's `retry-after` is whole seconds, or an ISO date when RetryAfterError got a Date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1_000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
