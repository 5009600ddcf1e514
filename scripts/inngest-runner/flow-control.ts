import type { RunnerEvent } from "./event-intake";
import { compileValueExpression } from "./expressions";
import type { RegisteredFunction } from "./registry";

/**
 * The two flow-control settings the runner honours, as Inngest documents them:
 *
 * `concurrency` (https://www.inngest.com/docs/durable-execution/flow-control/concurrency) limits the
 * steps executing at once, not runs: every request to the SDK takes one slot of each constraint while
 * it runs; sleeps, waits and the time between steps take none. A `key` expression gives each evaluated
 * value its own limit; scope `fn` (the default) counts within the function, `env`/`account` share the
 * key's count across functions. A step starts only when it fits every constraint (up to two); a limit
 * of 0 is no limit. Keys are evaluated once, when the run is enqueued.
 *
 * `priority.run` (https://www.inngest.com/docs/durable-execution/flow-control/priority) is an
 * expression over the triggering event giving a factor in seconds, clipped to -600..600 (an invalid
 * one counts as 0): each of the run's queued jobs is ordered as if it had been enqueued that many
 * seconds earlier (positive) or later (negative). It only orders work that waits for a slot.
 *
 * Within those rules queued jobs start oldest (by that adjusted time) first; a job whose keys are full
 * does not hold back jobs of other keys behind it.
 */

export interface FlowLimits {
  /** One per constraint: the queue name its key evaluated to, and that queue's limit. */
  slots: Array<{ queue: string; limit: number }>;
  /** priority.run's factor in milliseconds. */
  priorityMs: number;
}

const PRIORITY_BOUND_S = 600;

const concurrencyOption = (value: unknown) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : { limit: value });

/** Evaluates a function's concurrency keys and priority factor against the event that starts a run. */
export function flowLimits(fn: RegisteredFunction, event: RunnerEvent): FlowLimits {
  const raw = fn.concurrency;
  const options = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map(concurrencyOption);
  const slots = options.flatMap((option) => {
    const limit = Number(option.limit ?? 0);
    if (!(limit > 0)) return [];
    const scope = typeof option.scope === "string" ? option.scope : "fn";
    // A constraint without a key counts the whole function; a keyed one each value (never sharing a count).
    const key = typeof option.key === "string" ? `key:${keyValue(option.key, event)}` : "all";
    return [{ queue: scope === "fn" ? `fn:${fn.id}:${key}` : `${scope}:${key}`, limit }];
  });
  return { slots, priorityMs: priorityFactorS(fn, event) * 1000 };
}

function keyValue(expression: string, event: RunnerEvent): string {
  const value = evaluate(expression, event);
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

function priorityFactorS(fn: RegisteredFunction, event: RunnerEvent): number {
  const run = (fn.priority as { run?: unknown } | undefined)?.run;
  if (typeof run !== "string") return 0;
  const factor = evaluate(run, event);
  if (typeof factor !== "number" || !Number.isFinite(factor)) return 0;
  return Math.max(-PRIORITY_BOUND_S, Math.min(PRIORITY_BOUND_S, Math.trunc(factor)));
}

function evaluate(expression: string, event: RunnerEvent): unknown {
  try {
    return compileValueExpression(expression)({ event });
  } catch {
    return undefined;
  }
}

interface Waiter {
  limits: FlowLimits;
  /** Enqueue time shifted by the priority factor; smaller starts first. */
  order: number;
  seq: number;
  start: (release: () => void) => void;
}

/** The slots of every concurrency queue and the jobs waiting for them, in start order. */
export class StepSlots {
  private readonly active = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private seq = 0;

  constructor(private readonly now: () => number) {}

  /** Resolves with a release function once the job may run; rejects if `signal` aborts first. */
  acquire(limits: FlowLimits, signal: AbortSignal): Promise<() => void> {
    if (limits.slots.length === 0) return Promise.resolve(() => {});
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { limits, order: this.now() - limits.priorityMs, seq: this.seq++, start: resolve };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      waiter.start = (release) => {
        signal.removeEventListener("abort", onAbort);
        resolve(release);
      };
      this.waiting.splice(this.insertionPoint(waiter), 0, waiter);
      this.pump();
    });
  }

  /** How many jobs wait for a slot (for tests and logs). */
  get queued(): number {
    return this.waiting.length;
  }

  private insertionPoint(waiter: Waiter): number {
    let [lo, hi] = [0, this.waiting.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.waiting[mid];
      if (other.order < waiter.order || (other.order === waiter.order && other.seq < waiter.seq)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const waiter = this.waiting[i];
      if (!waiter.limits.slots.every(({ queue, limit }) => (this.active.get(queue) ?? 0) < limit)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      for (const { queue } of waiter.limits.slots) this.active.set(queue, (this.active.get(queue) ?? 0) + 1);
      let released = false;
      waiter.start(() => {
        if (released) return;
        released = true;
        for (const { queue } of waiter.limits.slots) {
          const left = (this.active.get(queue) ?? 1) - 1;
          if (left > 0) this.active.set(queue, left);
          else this.active.delete(queue);
        }
        this.pump();
      });
    }
  }
}
