import { defaultBackoffMs } from "./backoff";
import { CronScheduler } from "./cron-scheduler";
import { EventIntake, sendEventBody, type RunnerEvent } from "./event-intake";
import { Executor } from "./executor";
import { StepSlots } from "./flow-control";
import { FunctionRegistry, registerBody, unsupportedFeatures } from "./registry";
import { RunLog } from "./run-log";
import { listen } from "./server";
import { createAppSyncer } from "./sync";
import { PendingWaits } from "./waits";
import { logger } from "../../lib/log";

/** How long an event name that matched no function after a sync goes without causing another sync. */
export const UNMATCHED_RESYNC_MS = 60_000;

export interface LocalInngestRunnerOptions {
  /** Origin of the app serving Inngest functions, e.g. http://127.0.0.1:3000. */
  appUrl: string;
  servePath?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  log?: (line: string) => void;
  /** Delay before retry number `attempt + 1`; tests pass something tiny. */
  backoffMs?: (attempt: number) => number;
  /** Clock for cron schedules, sleeps and timeouts; tests shift it to reach a cron tick quickly. */
  now?: () => number;
}

export interface LocalInngestRunner {
  /** Base URL to give the app as INNGEST_BASE_URL (with INNGEST_DEV=1). */
  url: string;
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A small in-memory stand-in for the Inngest dev server: receives the app's events, has the app
 * register its functions, and runs them through the app's serve endpoint with the SDK's protocol.
 * The app finds it through env only: INNGEST_DEV=1 and INNGEST_BASE_URL=<runner.url>.
 */
export async function startLocalInngestRunner(opts: LocalInngestRunnerOptions): Promise<LocalInngestRunner> {
  const log = opts.log ?? ((line: string) => logger.info({ component: "inngest-runner" }, line));
  const stopping = new AbortController();
  const now = opts.now ?? Date.now;
  const registry = new FunctionRegistry();
  const intake = new EventIntake();
  const runs = new RunLog();
  const waits = new PendingWaits(now);
  const serveUrl = new URL(opts.servePath ?? "/api/inngest", opts.appUrl).href;
  const syncer = createAppSyncer({ serveUrl, log, signal: stopping.signal });

  // Event names a sync just found no function for, until when: events nothing listens to (an app's
  // announcements, `file/processed`) arrive all the time, and a sync for each would ask the app for its whole
  // configuration every time. Inngest itself stores such events and runs nothing.
  const unmatchedUntil = new Map<string, number>();
  const dispatch = async (event: RunnerEvent) => {
    // No run waits for its kind and no function knows its name: the app may have started (or gained
    // functions) since the last sync. System events are exempt: most go unhandled, and every run sends one.
    const unknown = !waits.awaits(event.name) && !event.name.startsWith("inngest/") && !registry.knows(event.name);
    waits.offer(event);
    if (unknown && (unmatchedUntil.get(event.name) ?? 0) <= now()) {
      await syncer.sync().catch((err: Error) => {
        if (!stopping.signal.aborted) log(err.message);
      });
      if (!stopping.signal.aborted && !registry.knows(event.name)) {
        unmatchedUntil.set(event.name, now() + UNMATCHED_RESYNC_MS);
        log(`event ${event.name} (${event.id}) matched no function (events of this name sync again after ${UNMATCHED_RESYNC_MS / 1000} s)`);
      }
    }
    if (stopping.signal.aborted) return;
    for (const fn of registry.match(event)) executor.start(fn, event);
  };
  const receive = (body: Parameters<EventIntake["accept"]>[0]) => {
    const { ids, fresh } = intake.accept(body);
    for (const event of fresh) void dispatch(event);
    return ids;
  };

  const executor = new Executor({
    log,
    backoffMs: opts.backoffMs ?? defaultBackoffMs,
    signal: stopping.signal,
    slots: new StepSlots(now),
    now,
    waits,
    runs,
    emit: receive,
  });
  const crons = new CronScheduler({ now, log, signal: stopping.signal, fire: (fn, event) => executor.start(fn, event) });

  const server = await listen(
    opts.port ?? 0,
    {
      sendEvents(body) {
        const parsed = sendEventBody.safeParse(body);
        if (!parsed.success) return { status: 400, body: { error: parsed.error.message, status: 400 } };
        return { status: 200, body: { ids: receive(parsed.data), status: 200 } };
      },
      register(body) {
        const parsed = registerBody.safeParse(body);
        if (!parsed.success) return { status: 400, body: { error: parsed.error.message, status: 400 } };
        const { appName, functions } = parsed.data;
        const { modified } = registry.register(appName, functions);
        crons.schedule(registry.all());
        log(`app ${appName} registered ${functions.length} function(s): ${functions.map((fn) => fn.id).join(", ") || "none"}`);
        for (const fn of functions) {
          const unsupported = unsupportedFeatures(fn);
          if (unsupported.length > 0) log(`warning: ${fn.id} uses what the local runner does not support: ${unsupported.join("; ")}`);
        }
        return { status: 200, body: { ok: true, modified, skipped: false } };
      },
      health() {
        return { status: 200, body: { ok: true, functions: registry.count, appUrl: opts.appUrl } };
      },
      runs() {
        return { status: 200, body: runs.list() };
      },
    },
    log,
  );
  log(`listening on ${server.url}, serving functions from ${serveUrl}`);

  // The app may start after the runner: keep trying in the background until it answers.
  const startupSync = (async () => {
    while (!stopping.signal.aborted) {
      try {
        return await syncer.sync();
      } catch (err) {
        if (!stopping.signal.aborted) log((err as Error).message);
      }
    }
  })();

  return {
    url: server.url,
    sync: () => syncer.sync(),
    async stop() {
      stopping.abort();
      await Promise.all([startupSync, executor.drain()]);
      await server.close();
    },
  };
}
