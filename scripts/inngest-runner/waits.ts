import type { RunnerEvent } from "./event-intake";
import { compileExpression, type Bindings } from "./expressions";
import { sleepUntil } from "./durations";

interface Wait {
  eventName: string;
  matches: (vars: Bindings) => boolean;
  trigger: RunnerEvent;
  resolve: (event: RunnerEvent) => void;
}

/** `step.waitForEvent` pauses: each resolves with the first matching event sent after it began. */
export class PendingWaits {
  private readonly waits = new Set<Wait>();

  constructor(private readonly now: () => number) {}

  /**
   * Resolves with the matching event, or null once `deadline` passes. `expression` is the op's `if`
   * (the SDK turns `match` into one); it throws ExpressionError up front if the runner cannot evaluate it.
   */
  wait(opts: { eventName: string; expression?: string; trigger: RunnerEvent; deadline: number; signal: AbortSignal }): Promise<RunnerEvent | null> {
    const matches = opts.expression ? compileExpression(opts.expression) : () => true;
    const timedOut = new AbortController();
    const signal = AbortSignal.any([opts.signal, timedOut.signal]);
    let wait: Wait | undefined;
    const matched = new Promise<RunnerEvent>((resolve) => {
      wait = { eventName: opts.eventName, matches, trigger: opts.trigger, resolve };
      this.waits.add(wait);
    });
    const expired = sleepUntil(opts.deadline, this.now, signal).then(
      () => null,
      (err) => {
        if (opts.signal.aborted) throw err;
        // Only a match aborts the timer otherwise, and the match has already won the race.
        return null;
      },
    );
    return Promise.race([matched, expired]).finally(() => {
      this.waits.delete(wait!);
      timedOut.abort();
    });
  }

  /** Whether some run is waiting for events of this name, whether or not the next one matches. */
  awaits(eventName: string): boolean {
    return [...this.waits].some((wait) => wait.eventName === eventName);
  }

  /** Hands a newly received event to every pause it satisfies. */
  offer(event: RunnerEvent): void {
    for (const wait of [...this.waits]) {
      if (wait.eventName !== event.name || !wait.matches({ event: wait.trigger, async: event })) continue;
      this.waits.delete(wait);
      wait.resolve(event);
    }
  }
}
