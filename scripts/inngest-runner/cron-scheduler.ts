import { internalEvents, type ScheduledTimerEventPayload } from "inngest";
import { nextCronTime, parseCron } from "./cron";
import { sleepUntil } from "./durations";
import type { RunnerEvent } from "./event-intake";
import { ulid } from "./ids";
import type { RegisteredFunction } from "./registry";

export interface CronSchedulerOptions {
  now: () => number;
  log: (line: string) => void;
  /** Aborted when the runner stops. */
  signal: AbortSignal;
  /** Starts a run of `fn` with the scheduled-timer event. */
  fire: (fn: RegisteredFunction, event: RunnerEvent) => void;
}

/** Fires cron-triggered functions on real timers, from the schedules of the latest sync. */
export class CronScheduler {
  private generation = new AbortController();

  constructor(private readonly opts: CronSchedulerOptions) {}

  /** Replaces every schedule: a sync may add, change or drop cron triggers. */
  schedule(functions: RegisteredFunction[]): void {
    this.generation.abort();
    this.generation = new AbortController();
    const sources = [this.opts.signal, this.generation.signal];
    for (const fn of functions) {
      for (const { cron } of fn.triggers) {
        // A signal per schedule: each loop's sleep listens on its own, so a dozen schedules do not pile a dozen
        // listeners onto one signal (Node warns of a leak past 10); AbortSignal.any adds none to its sources.
        if (cron) void this.loop(fn, cron, AbortSignal.any(sources));
      }
    }
  }

  private async loop(fn: RegisteredFunction, cron: string, signal: AbortSignal): Promise<void> {
    let schedule;
    try {
      schedule = parseCron(cron);
    } catch {
      return; // The sync already warned about it.
    }
    let after = this.opts.now();
    try {
      for (;;) {
        const at = nextCronTime(schedule, after);
        await sleepUntil(at, this.opts.now, signal);
        const event = {
          name: internalEvents.ScheduledTimer,
          data: { cron },
          id: ulid(at),
          ts: at,
        } satisfies ScheduledTimerEventPayload;
        this.opts.log(`cron "${cron}" fired for ${fn.id}`);
        this.opts.fire(fn, event);
        // From now, not from `at`: ticks missed while the machine slept are skipped, not replayed in a burst.
        after = this.opts.now();
      }
    } catch (err) {
      if (!signal.aborted) this.opts.log(`cron "${cron}" of ${fn.id} stopped: ${(err as Error).message}`);
    }
  }
}
