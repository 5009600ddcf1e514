import { setTimeout as sleep } from "node:timers/promises";

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };

/**
 * Milliseconds from `now` until what the SDK sends for `step.sleep`, `step.sleepUntil` and a
 * `waitForEvent` timeout: its own time strings ("1w2d3h4m5s", "" for zero) or an ISO date.
 */
export function delayMs(value: string, now: number): number | undefined {
  const parts = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (parts) {
    const [, w = 0, d = 0, h = 0, m = 0, s = 0] = parts;
    return Number(w) * UNIT_MS.w + Number(d) * UNIT_MS.d + Number(h) * UNIT_MS.h + Number(m) * UNIT_MS.m + Number(s) * UNIT_MS.s;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// Node fires longer timers after 1ms instead, so long waits are slept in pieces.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sleeps until `now()` reaches `target` on real timers; rejects when `signal` aborts. */
export async function sleepUntil(target: number, now: () => number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  for (let left = target - now(); left > 0; left = target - now()) {
    await sleep(Math.min(left, MAX_TIMER_MS), undefined, { signal });
  }
}
