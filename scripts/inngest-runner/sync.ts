import { setTimeout as sleep } from "node:timers/promises";
import { headerKeys } from "inngest";
import { describe } from "./sdk-request";

/** How long one sync keeps retrying an app that is not up (Next.js may still be compiling). */
const SYNC_TIMEOUT_MS = 60_000;

export interface AppSyncer {
  /** Asks the app to register its functions, retrying for a while if it is not up. */
  sync(): Promise<void>;
}

/**
 * Syncing is what the dev server does on start and on "Sync": `PUT` the serve endpoint, whose SDK
 * then POSTs its function configs to our `/fn/register` before answering.
 */
export function createAppSyncer(opts: { serveUrl: string; log: (line: string) => void; signal: AbortSignal }): AppSyncer {
  let inFlight: Promise<void> | undefined;

  const putOnce = async () => {
    const res = await fetch(opts.serveUrl, {
      method: "PUT",
      headers: { [headerKeys.InngestServerKind]: "dev" },
      signal: opts.signal,
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`PUT ${opts.serveUrl} answered ${res.status}: ${body.slice(0, 300)}`);
  };

  const syncWithRetries = async () => {
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await putOnce();
        opts.log(`synced ${opts.serveUrl}`);
        return;
      } catch (err) {
        if (opts.signal.aborted || Date.now() >= deadline) throw new Error(`could not sync ${opts.serveUrl}: ${describe(err)}`);
        if (attempt === 0) opts.log(`app not ready at ${opts.serveUrl} (${describe(err)}); retrying`);
        await sleep(Math.min(250 * 2 ** attempt, 2_000), undefined, { signal: opts.signal });
      }
    }
  };

  return {
    sync() {
      // Concurrent callers (start-up, events arriving before any sync) share one attempt.
      inFlight ??= syncWithRetries().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
