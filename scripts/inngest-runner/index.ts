import { defaultBackoffMs } from "./backoff";
import { EventIntake, sendEventBody, type RunnerEvent } from "./event-intake";
import { Executor } from "./executor";
import { FunctionRegistry, registerBody, unsupportedFeatures } from "./registry";
import { listen } from "./server";
import { createAppSyncer } from "./sync";

export interface LocalInngestRunnerOptions {
  /** Origin of the app serving Inngest functions, e.g. http://127.0.0.1:3000. */
  appUrl: string;
  servePath?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  log?: (line: string) => void;
  /** Delay before retry number `attempt + 1`; tests pass something tiny. */
  backoffMs?: (attempt: number) => number;
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
  const log = opts.log ?? ((line: string) => console.log(`[inngest-runner] ${line}`));
  const stopping = new AbortController();
  const registry = new FunctionRegistry();
  const intake = new EventIntake();
  const executor = new Executor({ log, backoffMs: opts.backoffMs ?? defaultBackoffMs, signal: stopping.signal });
  const serveUrl = new URL(opts.servePath ?? "/api/inngest", opts.appUrl).href;
  const syncer = createAppSyncer({ serveUrl, log, signal: stopping.signal });

  const dispatch = async (event: RunnerEvent) => {
    let functions = registry.match(event.name);
    if (functions.length === 0) {
      // The app may have started (or gained functions) since the last sync.
      await syncer.sync().catch((err: Error) => {
        if (!stopping.signal.aborted) log(err.message);
      });
      functions = registry.match(event.name);
    }
    if (stopping.signal.aborted) return;
    if (functions.length === 0) log(`event ${event.name} (${event.id}) matched no function`);
    for (const fn of functions) executor.start(fn, event);
  };

  const server = await listen(
    opts.port ?? 0,
    {
      sendEvents(body) {
        const parsed = sendEventBody.safeParse(body);
        if (!parsed.success) return { status: 400, body: { error: parsed.error.message, status: 400 } };
        const { ids, fresh } = intake.accept(parsed.data);
        for (const event of fresh) void dispatch(event);
        return { status: 200, body: { ids, status: 200 } };
      },
      register(body) {
        const parsed = registerBody.safeParse(body);
        if (!parsed.success) return { status: 400, body: { error: parsed.error.message, status: 400 } };
        const { appName, functions } = parsed.data;
        const { modified } = registry.register(appName, functions);
        log(`app ${appName} registered ${functions.length} function(s): ${functions.map((fn) => fn.id).join(", ") || "none"}`);
        for (const fn of functions) {
          const unsupported = unsupportedFeatures(fn);
          if (unsupported.length > 0) log(`warning: ${fn.id} uses what the local runner ignores: ${unsupported.join("; ")}`);
        }
        return { status: 200, body: { ok: true, modified, skipped: false } };
      },
      health() {
        return { status: 200, body: { ok: true, functions: registry.count, appUrl: opts.appUrl } };
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
