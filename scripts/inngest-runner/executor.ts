import { setTimeout as sleep } from "node:timers/promises";
import { StepOpCode, type OutgoingOp } from "inngest/types";
import type { RunnerEvent } from "./event-intake";
import { ulid } from "./ids";
import { maxAttempts, type RegisteredFunction } from "./registry";
import { DISCOVERY_STEP_ID, callFunction, describe, stepLabel, type MemoizedStep, type Run } from "./sdk-request";

export interface ExecutorOptions {
  log: (line: string) => void;
  backoffMs: (attempt: number) => number;
  /** Aborted when the runner stops: pending retries and requests give up. */
  signal: AbortSignal;
}

/** How one request (with its retries) left the run. */
type Outcome =
  | { kind: "complete"; output: unknown }
  | { kind: "failed"; error: string }
  | { kind: "continue"; planned: OutgoingOp[] };

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
    };
    const execution = this.execute(run).finally(() => this.active.delete(execution));
    this.active.add(execution);
  }

  /** Resolves once every run has finished (or given up after the runner stopped). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }

  private async execute(run: Run): Promise<void> {
    const tag = `${run.fn.id} run ${run.id}`;
    const started = Date.now();
    this.opts.log(`${tag}: started by ${run.event.name} (${run.event.id})`);
    let stepIds = [DISCOVERY_STEP_ID];
    try {
      for (;;) {
        // Parallel steps are requested together; the next discovery waits for all of them.
        const outcomes = await Promise.all(stepIds.map((stepId) => this.request(run, stepId)));
        const failed = outcomes.find((o) => o.kind === "failed");
        if (failed) return this.opts.log(`${tag}: failed: ${failed.error}`);
        const complete = outcomes.find((o) => o.kind === "complete");
        if (complete) return this.opts.log(`${tag}: completed in ${Date.now() - started}ms, output ${preview(complete.output)}`);
        const planned = outcomes.flatMap((o) => (o.kind === "continue" ? o.planned : []));
        if (planned.length > 1) run.disableImmediateExecution = true;
        stepIds = planned.length > 0 ? planned.map((op) => op.id) : [DISCOVERY_STEP_ID];
      }
    } catch (err) {
      this.opts.log(this.opts.signal.aborted ? `${tag}: abandoned, runner stopped` : `${tag}: crashed: ${describe(err)}`);
    }
  }

  /**
   * One request to the SDK, retried until it succeeds or runs out of attempts. Like Inngest, every
   * step has its own attempt counter: it restarts at 0 once a step has completed.
   */
  private async request(run: Run, stepId: string): Promise<Outcome> {
    for (let attempt = 0; ; attempt++) {
      const reply = await callFunction(run, stepId, attempt, this.opts.signal);
      if (reply.kind === "complete") return reply;
      if (reply.kind === "ops") return this.applyOps(run, reply.ops);

      const attemptsText = `attempt ${attempt + 1}/${run.maxAttempts}`;
      if (attempt + 1 >= run.maxAttempts) return { kind: "failed", error: `${reply.error} (${attemptsText}, no retries left)` };
      if (!reply.retriable) return { kind: "failed", error: `${reply.error} (${attemptsText}, not retriable)` };
      const delay = reply.retryAfterMs ?? this.opts.backoffMs(attempt);
      this.opts.log(`${run.fn.id} run ${run.id}: ${reply.error} (${attemptsText}); retrying in ${delay}ms`);
      await sleep(delay, undefined, { signal: this.opts.signal });
    }
  }

  /** Memoises what the SDK reports and returns the steps it wants scheduled next. */
  private applyOps(run: Run, ops: OutgoingOp[]): Outcome {
    const planned: OutgoingOp[] = [];
    for (const op of ops) {
      switch (op.op) {
        case StepOpCode.StepRun:
          this.memoize(run, op.id, { type: "data", data: op.data ?? null });
          this.opts.log(`${run.fn.id} run ${run.id}: step "${stepLabel(op)}" done`);
          break;
        case StepOpCode.StepFailed:
          // Out of attempts: stored as an error so the function sees it thrown by `step.run` and may catch it.
          this.memoize(run, op.id, { type: "error", error: op.error });
          this.opts.log(`${run.fn.id} run ${run.id}: step "${stepLabel(op)}" failed for good: ${describe(op.error)}`);
          break;
        case StepOpCode.StepPlanned:
          planned.push(op);
          break;
        default:
          return { kind: "failed", error: `step "${stepLabel(op)}" uses ${op.op}, which the local runner does not support yet` };
      }
    }
    return { kind: "continue", planned };
  }

  private memoize(run: Run, hashedId: string, result: MemoizedStep): void {
    run.steps[hashedId] = result;
    run.stack.push(hashedId);
  }
}

function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? "undefined";
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}
