import { z } from "zod";
import { parseCron } from "./cron";
import type { RunnerEvent } from "./event-intake";
import { compileExpression } from "./expressions";

const trigger = z.looseObject({
  event: z.string().optional(),
  expression: z.string().optional(),
  cron: z.string().optional(),
  jitter: z.string().optional(),
});

const functionConfig = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  triggers: z.array(trigger),
  // The SDK registers a single entry, "step", whose URL is the serve endpoint with ?fnId=&stepId=.
  steps: z.record(
    z.string(),
    z.looseObject({
      runtime: z.looseObject({ url: z.string() }),
      retries: z.looseObject({ attempts: z.number().int().min(0) }).optional(),
    }),
  ),
});

/** The body of the SDK's out-of-band sync: `POST /fn/register`. */
export const registerBody = z.looseObject({
  appName: z.string(),
  functions: z.array(functionConfig),
});

export type RegisteredFunction = z.infer<typeof functionConfig>;

/** Inngest retries 4 times when a function sets no `retries`, so 5 attempts in total. */
const DEFAULT_RETRIES = 4;

export function maxAttempts(fn: RegisteredFunction): number {
  return (Object.values(fn.steps)[0]?.retries?.attempts ?? DEFAULT_RETRIES) + 1;
}

export function stepUrl(fn: RegisteredFunction): string {
  const step = Object.values(fn.steps)[0];
  if (!step) throw new Error(`function ${fn.id} registered no step URL`);
  return step.runtime.url;
}

/** Inngest allows a trailing `*` right after `/` or `.` to match a family of events, e.g. `file/*`. */
function eventMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  return /[/.]\*$/.test(pattern) && name.startsWith(pattern.slice(0, -1));
}

/** Whether `event` fires the trigger; an `if` the runner cannot evaluate never fires (sync warns about it). */
function triggerFires(t: RegisteredFunction["triggers"][number], event: RunnerEvent): boolean {
  if (t.event === undefined || !eventMatches(t.event, event.name)) return false;
  if (!t.expression) return true;
  try {
    return compileExpression(t.expression)({ event });
  } catch {
    return false;
  }
}

// Config the SDK registers that this runner accepts but does not act on yet.
// (`concurrency` and `priority` it honours: flow-control.ts.)
const IGNORED_OPTIONS = ["cancel", "batchEvents", "debounce", "throttle", "rateLimit", "idempotency", "singleton", "timeouts"];

/** Names what a function asks for that the runner ignores or cannot do, so a sync can warn about it. */
export function unsupportedFeatures(fn: RegisteredFunction): string[] {
  const features = IGNORED_OPTIONS.filter((option) => fn[option] !== undefined);
  const flowExpressions = [
    ...(Array.isArray(fn.concurrency) ? fn.concurrency : [fn.concurrency]).map((c) => (c as { key?: unknown } | undefined)?.key),
    (fn.priority as { run?: unknown } | undefined)?.run,
  ];
  for (const expression of flowExpressions) {
    if (typeof expression !== "string") continue;
    try {
      compileExpression(expression);
    } catch (err) {
      features.push(`flow-control expression outside the supported subset, evaluated as no key / priority 0 (${(err as Error).message})`);
    }
  }
  for (const t of fn.triggers) {
    if (t.expression) {
      try {
        compileExpression(t.expression);
      } catch (err) {
        features.push(`trigger \`if\` outside the supported subset, so the trigger never fires (${(err as Error).message})`);
      }
    }
    if (t.cron) {
      try {
        const { timezone } = parseCron(t.cron);
        if (timezone) features.push(`cron "${t.cron}" is scheduled in UTC, not ${timezone}`);
      } catch (err) {
        features.push(`${(err as Error).message}, so it is never scheduled`);
      }
    }
    if (t.jitter !== undefined) features.push("cron jitter (runs exactly on schedule)");
  }
  return features;
}

/** Function configs per app, as the apps last registered them. */
export class FunctionRegistry {
  private readonly apps = new Map<string, RegisteredFunction[]>();

  /** A sync replaces everything the app registered before, as on the dev server. */
  register(appName: string, functions: RegisteredFunction[]): { modified: boolean } {
    const before = JSON.stringify(this.apps.get(appName) ?? null);
    this.apps.set(appName, functions);
    return { modified: before !== JSON.stringify(functions) };
  }

  get count(): number {
    let count = 0;
    for (const functions of this.apps.values()) count += functions.length;
    return count;
  }

  all(): RegisteredFunction[] {
    return [...this.apps.values()].flat();
  }

  /** Whether some function has a trigger for events of this name, whatever its `if`. */
  knows(eventName: string): boolean {
    return this.all().some((fn) => fn.triggers.some((t) => t.event !== undefined && eventMatches(t.event, eventName)));
  }

  match(event: RunnerEvent): RegisteredFunction[] {
    return this.all().filter((fn) => fn.triggers.some((t) => triggerFires(t, event)));
  }
}
