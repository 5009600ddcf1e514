import { headerKeys, queryKeys } from "inngest";
import { StepOpCode, type OutgoingOp } from "inngest/types";
import { parseRetryAfter } from "./backoff";
import type { RunnerEvent } from "./event-intake";
import type { FlowLimits } from "./flow-control";
import { stepUrl, type RegisteredFunction } from "./registry";

/** The stepId that asks the SDK to run the function from the top and report what it finds. */
export const DISCOVERY_STEP_ID = "step";

/** A step's stored outcome, in the shape the SDK's `steps` schema expects. */
export type MemoizedStep = { type: "data"; data: unknown } | { type: "error"; error: unknown };

export interface Run {
  id: string;
  fn: RegisteredFunction;
  event: RunnerEvent;
  maxAttempts: number;
  /** Keyed by hashed step id, as the SDK reports them in ops. */
  steps: Record<string, MemoizedStep>;
  /** Hashed step ids in completion order; the SDK replays memoised steps in this order. */
  stack: string[];
  /** Execution version the SDK chose on its first reply; sent back so it stays fixed for the run. */
  version?: number;
  /** Set once the run went parallel, so the SDK plans steps instead of running one eagerly. */
  disableImmediateExecution: boolean;
  /** Its concurrency queues and priority, evaluated once from the triggering event. */
  limits: FlowLimits;
}

/** An error as the SDK serializes it, the shape `inngest/function.failed` carries in `data.error`. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [field: string]: unknown;
}

export type Reply =
  | { kind: "complete"; output: unknown }
  | { kind: "ops"; ops: OutgoingOp[] }
  | { kind: "error"; error: SerializedError; summary: string; retriable: boolean; retryAfterMs?: number };

/** One HTTP call to the app's serve endpoint, exactly as the Inngest executor makes it. */
export async function callFunction(run: Run, stepId: string, attempt: number, signal: AbortSignal): Promise<Reply> {
  const url = new URL(stepUrl(run.fn));
  url.searchParams.set(queryKeys.FnId, run.fn.id);
  url.searchParams.set(queryKeys.StepId, stepId);
  const body = {
    version: run.version,
    event: run.event,
    events: [run.event],
    steps: run.steps,
    // No `fn_id`/`qi_id`: without them the SDK skips v4's async checkpointing (which would need the
    // /v1/checkpoint API) and reports every step back in its response instead.
    ctx: {
      run_id: run.id,
      attempt,
      max_attempts: run.maxAttempts,
      disable_immediate_execution: run.disableImmediateExecution,
      use_api: false,
      stack: { stack: run.stack, current: run.stack.length },
    },
  };

  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      // Uncompressed: fetch asks for gzip by default, and Next.js would then compress every step's reply
      // (zlib was ~1% of the app's CPU per processed file, for replies that never leave the machine).
      headers: { "content-type": "application/json", "accept-encoding": "identity", [headerKeys.InngestServerKind]: "dev" },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    const summary = `could not reach ${url.origin}: ${describe(err)}`;
    return { kind: "error", error: { name: "Error", message: summary }, summary, retriable: true };
  }

  const version = Number(res.headers.get(headerKeys.RequestVersion));
  if (run.version === undefined && Number.isInteger(version)) run.version = version;
  const text = await res.text();
  const payload = parseJson(text);
  const retriable = res.headers.get(headerKeys.NoRetry) !== "true";
  const retryAfterMs = parseRetryAfter(res.headers.get(headerKeys.RetryAfter));

  if (res.status === 200) return { kind: "complete", output: payload };
  if (res.status === 206 && Array.isArray(payload)) {
    const ops = payload as OutgoingOp[];
    // A step that threw but has attempts left comes back as a StepError op: retry this request.
    const stepError = ops.find((op) => op.op === StepOpCode.StepError);
    if (stepError) {
      const summary = `step "${stepLabel(stepError)}" threw ${describe(stepError.error)}`;
      return { kind: "error", error: toSerializedError(stepError.error), summary, retriable, retryAfterMs };
    }
    return { kind: "ops", ops };
  }
  return { kind: "error", error: toSerializedError(payload), summary: `HTTP ${res.status}: ${describe(payload)}`, retriable, retryAfterMs };
}

/** The SDK answers a failed function with its serialized error; anything else is wrapped as one. */
function toSerializedError(value: unknown): SerializedError {
  if (value && typeof value === "object" && "name" in value && "message" in value) {
    const { name, message } = value;
    if (typeof name === "string" && typeof message === "string") return value as SerializedError;
  }
  return { name: "Error", message: typeof value === "string" ? value : JSON.stringify(value) };
}

export function stepLabel(op: OutgoingOp): string {
  return op.displayName ?? op.name ?? op.id;
}

/** Serialized SDK errors are `{ name, message, stack }`; anything else is shown as JSON. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    // fetch reports network problems as "fetch failed", with the telling part (ECONNREFUSED…) in `cause`.
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    const detail = cause?.code ?? cause?.message;
    return typeof detail === "string" ? `${error.message} (${detail})` : error.message;
  }
  if (error && typeof error === "object" && "message" in error) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return `${typeof name === "string" ? name : "Error"}: ${String(message)}`;
  }
  return typeof error === "string" ? error : JSON.stringify(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
