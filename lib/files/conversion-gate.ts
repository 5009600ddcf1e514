import "server-only";
import { ApiError } from "@/lib/api/errors";
import { env } from "@/lib/env";

/**
 * A counting semaphore with a short, bounded queue: at most `concurrency` tasks run at once; a task
 * that finds them all busy waits up to `queueMs` for a turn (at most `maxQueued` wait), and is then
 * refused with a 503 and Retry-After rather than piling up behind the others.
 */
export interface ConcurrencyGate {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

export function createConcurrencyGate(options: { concurrency: number; queueMs: number; maxQueued: number }): ConcurrencyGate {
  let running = 0;
  const queue: { start(): void; timer: NodeJS.Timeout }[] = [];
  const busy = () => {
    const seconds = Math.max(1, Math.ceil(options.queueMs / 1000));
    return new ApiError(503, "conversion_busy", `The server is busy converting other images; try again in ${seconds} s.`, {
      "Retry-After": String(seconds),
    });
  };
  const release = () => {
    const next = queue.shift();
    if (!next) {
      running--;
      return;
    }
    clearTimeout(next.timer);
    next.start();
  };
  const turn = (): Promise<void> => {
    if (running < options.concurrency) {
      running++;
      return Promise.resolve();
    }
    if (queue.length >= options.maxQueued) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const entry = {
        // The finishing task hands its slot over: `running` stays as it is.
        start: () => resolve(),
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(entry), 1);
          reject(busy());
        }, options.queueMs),
      };
      queue.push(entry);
    });
  };
  return {
    async run(task) {
      await turn();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}

const globalForGate = globalThis as unknown as { framevaultConversionGate?: ConcurrencyGate };

/** The one gate every format conversion in this process goes through. */
export function conversionGate(): ConcurrencyGate {
  if (!globalForGate.framevaultConversionGate) {
    const e = env();
    globalForGate.framevaultConversionGate = createConcurrencyGate({
      concurrency: e.CONVERSION_CONCURRENCY,
      queueMs: e.CONVERSION_QUEUE_SECONDS * 1000,
      // Waiting requests hold only a socket, but a burst beyond a few rounds would time out anyway.
      maxQueued: e.CONVERSION_CONCURRENCY * 4,
    });
  }
  return globalForGate.framevaultConversionGate;
}
