// One structured JSON logger (pino) for the whole server: one line per event on stdout. Every line
// written while a request (or the background work it started) runs carries that request's id, taken
// from an AsyncLocalStorage context, so `grep <id>` finds the request, its audit row and its processing.
import { AsyncLocalStorage } from "node:async_hooks";
import { pino, type Logger } from "pino";
import { env } from "@/lib/env";

type Fields = Record<string, unknown>;

export interface RequestContext {
  requestId: string;
}

// On globalThis: Next.js loads route modules (and so this one) more than once, and a context set by
// one copy must be seen by the others.
const globalForLog = globalThis as unknown as { framevaultLog?: { base: Logger; context: AsyncLocalStorage<RequestContext> } };

function state() {
  if (!globalForLog.framevaultLog) {
    const context = new AsyncLocalStorage<RequestContext>();
    let level = "info";
    try {
      level = env().LOG_LEVEL;
    } catch {
      // A misconfigured environment is reported by whoever reads it; the logger still has to work.
    }
    const base = pino({
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = context.getStore()?.requestId;
        return requestId ? { requestId } : {};
      },
    });
    globalForLog.framevaultLog = { base, context };
  }
  return globalForLog.framevaultLog;
}

/** Runs `work` with `requestId` on every log line it writes (and on what it announces to the workflows). */
export function withRequestId<T>(requestId: string | null | undefined, work: () => T): T {
  return requestId ? state().context.run({ requestId }, work) : work();
}

/** The id of the request this code runs for, if any. */
export function currentRequestId(): string | undefined {
  return state().context.getStore()?.requestId;
}

// The call shape every caller uses: `logger.info({ fields }, "message")`; `err` is serialised with its stack.
export const logger = {
  debug: (fields: Fields, msg: string) => state().base.debug(fields, msg),
  info: (fields: Fields, msg: string) => state().base.info(fields, msg),
  warn: (fields: Fields, msg: string) => state().base.warn(fields, msg),
  error: (fields: Fields, msg: string) => state().base.error(fields, msg),
};
