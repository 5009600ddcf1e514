import { setTimeout as sleep } from "node:timers/promises";
import { internalEvents, type FailureEventPayload, type FinishedEventPayload } from "inngest";
import { StepOpCode, type OutgoingOp } from "inngest/types";
import { delayMs, sleepUntil } from "./durations";
import type { RunnerEvent } from "./event-intake";
import { ExpressionError } from "./expressions";
import { flowLimits, type StepSlots } from "./flow-control";
import { ulid } from "./ids";
import { maxAttempts, type RegisteredFunction } from "./registry";
import type { RunLog, RunRecord } from "./run-log";
import { DISCOVERY_STEP_ID, callFunction, describe, stepLabel, type MemoizedStep, type Run, type SerializedError } from "./sdk-request";
import type { PendingWaits } from "./waits";

export interface ExecutorOptions {
  log: (line: string) => void;
  backoffMs: (attempt: number) => number;
  /**
   * Aborted when the runner stops: pending retries, sleeps, waits and requests give up. Each of those
   * gets its own signal following this one (AbortSignal.any adds no listener to it): fetch (undici)
   * leaves its abort listener on the signal it is given until the request is garbage-collected (and
   * raises that signal's limit to 1500), so one shared signal gathered thousands under load and Node
   * warned (MaxListenersExceededWarning).
   */
  signal: AbortSignal;
  /** Concurrency slots and priority order of the SDK requests. */
  slots: StepSlots;
  now: () => number;
  waits: PendingWaits;
  runs: RunLog;
  /** Receives the system events a finished run sends, to be handled like any sent event. */
  emit: (events: Array<{ name: string; data: Record<string, unknown> }>) => void;
}

/** How one request (with its retries), sleep or wait left the run. */
type Outcome =
  | { kind: "complete"; output: unknown }
  | { kind: "failed"; error: SerializedError; summary: string }
  | { kind: "continue"; pending: Array<() => Promise<Outcome>> };

const CONTINUE: Outcome = { kind: "continue", pending: [] };

/** Runs functions to completion in memory, driving the SDK step by step like the Inngest executor. */
export class Executor {
  private readonly active = new Set<Promise<void>>();

  constructor(private readonly opts: ExecutorOptions) {}

  start(fn: RegisteredFunction, event: RunnerEvent): void {
    const run: Run = {
      id: ulid(),
      fn,
      event,
      maxAttempts: maxAttempts(fn),
      steps: {},
      stack: [],
      disableImmediateExecution: false,
      limits: flowLimits(fn, event),
    };
    const startedAt = new Date(this.opts.now()).toISOString();
    const record = this.opts.runs.add({ id: run.id, function: fn.id, event: event.name, status: "running", attempts: 0, startedAt });
    const execution = this.execute(run, record).finally(() => this.active.delete(execution));
    this.active.add(execution);
  }

  /** Resolves once every run has finished (or given up after the runner stopped). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }

  private async execute(run: Run, record: RunRecord): Promise<void> {
    const discover = () => this.request(run, record, DISCOVERY_STEP_ID);
    const started = Date.now();
    this.log(run, `started by ${run.event.name} (${run.event.id})`);
    let next = [discover];
    try {
      for (;;) {
        // Parallel steps, sleeps and waits proceed together; the next discovery waits for all of them.
        const outcomes = await Promise.all(next.map((proceed) => proceed()));
        const ended = outcomes.find((o) => o.kind === "failed") ?? outcomes.find((o) => o.kind === "complete");
        if (ended) return this.finish(run, record, ended, started);
        const pending = outcomes.flatMap((o) => (o.kind === "continue" ? o.pending : []));
        if (pending.length > 1) run.disableImmediateExecution = true;
        next = pending.length > 0 ? pending : [discover];
      }
    } catch (err) {
      record.status = this.opts.signal.aborted ? "abandoned" : "failed";
      record.endedAt = new Date(this.opts.now()).toISOString();
      record.error = this.opts.signal.aborted ? "runner stopped" : `runner crashed: ${describe(err)}`;
      this.log(run, this.opts.signal.aborted ? "abandoned, runner stopped" : `crashed: ${describe(err)}`);
    }
  }

  private finish(run: Run, record: RunRecord, outcome: Exclude<Outcome, { kind: "continue" }>, started: number): void {
    record.endedAt = new Date(this.opts.now()).toISOString();
    const ids = { function_id: run.fn.id, run_id: run.id };
    const events: Array<{ name: string; data: Record<string, unknown> }> = [];
    if (outcome.kind === "complete") {
      record.status = "completed";
      this.log(run, `completed in ${Date.now() - started}ms, output ${preview(outcome.output)}`);
      events.push({ name: internalEvents.FunctionFinished, data: { ...ids, result: outcome.output } satisfies FinishedEventPayload["data"] });
    } else {
      record.status = "failed";
      record.error = outcome.summary;
      this.log(run, `failed: ${outcome.summary}`);
      const failed = { ...ids, error: outcome.error, event: run.event } satisfies FailureEventPayload["data"];
      events.push({ name: internalEvents.FunctionFailed, data: failed });
      events.push({ name: internalEvents.FunctionFinished, data: { ...ids, error: outcome.error } satisfies FinishedEventPayload["data"] });
    }
    // A run started by a system event does not send that event again: a catch-all handler that
    // fails (or finishes) would otherwise trigger itself forever.
    this.opts.emit(events.filter((event) => event.name !== run.event.name));
  }

  /**
   * One request to the SDK, retried until it succeeds or runs out of attempts. Like Inngest, every
   * step has its own attempt counter: it restarts at 0 once a step has completed.
   */
  private async request(run: Run, record: RunRecord, stepId: string): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      record.attempts = Math.max(record.attempts, attempt + 1);
      const signal = this.operationSignal();
      // Every request holds a slot of each concurrency constraint while the SDK runs it; retries wait without one.
      const release = await this.opts.slots.acquire(run.limits, signal);
      const reply = await callFunction(run, stepId, attempt, signal).finally(release);
      if (reply.kind === "complete") return reply;
      if (reply.kind === "ops") return this.applyOps(run, record, reply.ops);

      const attemptsText = `attempt ${attempt + 1}/${run.maxAttempts}`;
      if (attempt + 1 >= run.maxAttempts) return { kind: "failed", error: reply.error, summary: `${reply.summary} (${attemptsText}, no retries left)` };
      if (!reply.retriable) return { kind: "failed", error: reply.error, summary: `${reply.summary} (${attemptsText}, not retriable)` };
      const delay = reply.retryAfterMs ?? this.opts.backoffMs(attempt);
      this.log(run, `${reply.summary} (${attemptsText}); retrying in ${delay}ms`);
      await sleep(delay, undefined, { signal: this.operationSignal() });
    }
  }

  /** Memoises what the SDK reports and returns what has to happen before the next request. */
  private applyOps(run: Run, record: RunRecord, ops: OutgoingOp[]): Outcome {
    const pending: Array<() => Promise<Outcome>> = [];
    for (const op of ops) {
      switch (op.op) {
        case StepOpCode.StepRun:
          this.memoize(run, op.id, { type: "data", data: op.data ?? null });
          this.log(run, `step "${stepLabel(op)}" done`);
          break;
        case StepOpCode.StepFailed:
          // Out of attempts: stored as an error so the function sees it thrown by `step.run` and may catch it.
          this.memoize(run, op.id, { type: "error", error: op.error });
          this.log(run, `step "${stepLabel(op)}" failed for good: ${describe(op.error)}`);
          break;
        case StepOpCode.StepPlanned:
          pending.push(() => this.request(run, record, op.id));
          break;
        case StepOpCode.Sleep:
          pending.push(() => this.sleep(run, record, op));
          break;
        case StepOpCode.WaitForEvent:
          pending.push(() => this.waitForEvent(run, record, op));
          break;
        default:
          return runnerFailure(`step "${stepLabel(op)}" uses ${op.op}, which the local runner does not support yet`);
      }
    }
    return { kind: "continue", pending };
  }

  /** `step.sleep`/`sleepUntil`: the op's name is the duration or ISO date; waking memoises the step as null. */
  private async sleep(run: Run, record: RunRecord, op: OutgoingOp): Promise<Outcome> {
    const delay = delayMs(op.name ?? "", this.opts.now());
    if (delay === undefined) return runnerFailure(`step "${stepLabel(op)}" sleeps for "${op.name}", which is neither a duration nor a date`);
    this.log(run, `step "${stepLabel(op)}" sleeping for ${delay}ms`);
    record.status = "sleeping";
    await sleepUntil(this.opts.now() + delay, this.opts.now, this.operationSignal());
    record.status = "running";
    this.memoize(run, op.id, { type: "data", data: null });
    this.log(run, `step "${stepLabel(op)}" woke up`);
    return CONTINUE;
  }

  /** `step.waitForEvent`: memoised as the matching event, or null once the timeout passes. */
  private async waitForEvent(run: Run, record: RunRecord, op: OutgoingOp): Promise<Outcome> {
    const timeout = typeof op.opts?.timeout === "string" ? delayMs(op.opts.timeout, this.opts.now()) : undefined;
    if (!op.name || timeout === undefined) return runnerFailure(`step "${stepLabel(op)}" waits without an event name or timeout`);
    const expression = typeof op.opts?.if === "string" ? op.opts.if : undefined;
    let waiting: Promise<RunnerEvent | null>;
    try {
      waiting = this.opts.waits.wait({ eventName: op.name, expression, trigger: run.event, deadline: this.opts.now() + timeout, signal: this.opts.signal });
    } catch (err) {
      if (err instanceof ExpressionError) return runnerFailure(`step "${stepLabel(op)}": the local runner cannot evaluate ${err.message}`);
      throw err;
    }
    this.log(run, `step "${stepLabel(op)}" waiting up to ${timeout}ms for ${op.name}${expression ? ` where ${expression}` : ""}`);
    record.status = "waiting";
    const event = await waiting;
    record.status = "running";
    this.memoize(run, op.id, { type: "data", data: event });
    this.log(run, `step "${stepLabel(op)}" ${event ? `received ${event.name} (${event.id})` : "timed out"}`);
    return CONTINUE;
  }

  private operationSignal(): AbortSignal {
    return AbortSignal.any([this.opts.signal]);
  }

  private memoize(run: Run, hashedId: string, result: MemoizedStep): void {
    run.steps[hashedId] = result;
    run.stack.push(hashedId);
  }

  private log(run: Run, text: string): void {
    this.opts.log(`${run.fn.id} run ${run.id}: ${text}`);
  }
}

/** Something the runner cannot do: the run fails at once, with a reason, rather than hang. */
function runnerFailure(summary: string): Outcome {
  return { kind: "failed", error: { name: "Error", message: summary }, summary };
}

function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? "undefined";
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}
