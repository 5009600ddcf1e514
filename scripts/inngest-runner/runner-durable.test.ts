import { NonRetriableError, type Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunRecord } from "./run-log";
import { eventually, startHarness, type Harness } from "./test-harness";

// What the test functions saw, filled in as the runner drives them through the real SDK.
const seen = {
  sleeps: [] as Array<{ step: string; at: number }>,
  approvals: [] as Array<{ orderId: unknown; by: unknown; at: number }>,
  gates: [] as unknown[],
  failAttempts: [] as number[],
  failures: [] as Array<Record<string, unknown>>,
  finished: [] as unknown[],
  bigVideos: [] as unknown[],
  ticks: [] as Array<{ name: string; data: unknown; ts: unknown; receivedAt: number }>,
};

function defineFunctions(client: Inngest) {
  return [
    client.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ event, step }) => {
      const mark = (name: string) => step.run(name, () => void seen.sleeps.push({ step: name, at: Date.now() }));
      await mark("before");
      await step.sleep("nap", "1s");
      await mark("between");
      await step.sleepUntil("until", new Date(event.data.until as string));
      await mark("after");
    }),
    client.createFunction({ id: "approval", triggers: [{ event: "test/order.placed" }] }, async ({ event, step }) => {
      const approval = await step.waitForEvent("wait-approval", { event: "test/order.approved", match: "data.orderId", timeout: "2s" });
      seen.approvals.push({ orderId: event.data.orderId, by: approval?.data.by ?? null, at: Date.now() });
    }),
    client.createFunction({ id: "gate", triggers: [{ event: "test/gate.opened" }] }, async ({ step }) => {
      const decision = await step.waitForEvent("wait-decision", {
        event: "test/gate.decided",
        if: "event.data.gateId == async.data.gateId && async.data.decision == 'yes'",
        timeout: "5s",
      });
      seen.gates.push(decision?.data ?? null);
    }),
    client.createFunction(
      {
        id: "fails-with-handler",
        retries: 1,
        triggers: [{ event: "test/fail" }],
        onFailure: ({ event, error }) => {
          const { function_id, run_id, event: original } = event.data;
          seen.failures.push({ function_id, run_id, original: original.data, name: error.name, message: error.message });
        },
      },
      async ({ event, attempt }) => {
        seen.failAttempts.push(attempt);
        if (event.data.fatal) throw new NonRetriableError("fatal input");
        throw new Error("broken every time");
      },
    ),
    client.createFunction({ id: "fails-quietly", retries: 0, triggers: [{ event: "test/fail-quietly" }] }, async () => {
      throw new Error("nobody listens");
    }),
    client.createFunction({ id: "adder", triggers: [{ event: "test/add" }] }, async ({ event }) => ({ sum: event.data.a + event.data.b })),
    client.createFunction(
      { id: "on-adder-finished", triggers: [{ event: "inngest/function.finished", if: "event.data.function_id == 'runner-test-adder'" }] },
      async ({ event }) => void seen.finished.push(event.data),
    ),
    client.createFunction(
      { id: "big-videos", triggers: [{ event: "test/media.uploaded", if: 'event.data.kind == "video" && event.data.size >= 100' }] },
      async ({ event }) => void seen.bigVideos.push(event.data.name),
    ),
    client.createFunction({ id: "ticker", triggers: [{ cron: "* * * * *" }] }, async ({ event }) => {
      seen.ticks.push({ name: event.name, data: event.data, ts: event.ts, receivedAt: Date.now() });
    }),
  ];
}

describe("local Inngest runner: sleeps, waits, failure handlers, system events, trigger `if`s and crons", () => {
  let h: Harness;
  // Tests shift the runner's clock to bring the next cron tick close.
  let clockOffset = 0;
  const runs = (): Promise<RunRecord[]> => fetch(`${h.runner.url}/runs`).then((r) => r.json());

  beforeAll(async () => {
    h = await startHarness(defineFunctions, { now: () => Date.now() + clockOffset });
  });

  afterAll(() => h?.stop());

  it("resumes after step.sleep and step.sleepUntil on real timers, each earlier step run once", async () => {
    const sent = Date.now();
    await h.client.send({ name: "test/sleep", data: { until: new Date(sent + 2_000).toISOString() } });
    await eventually(() => h.logged("sleeper", "completed"), "sleeper to complete", 5_000);
    expect(seen.sleeps.map((s) => s.step)).toEqual(["before", "between", "after"]);
    const at = Object.fromEntries(seen.sleeps.map((s) => [s.step, s.at]));
    expect(at.between - at.before).toBeGreaterThanOrEqual(990);
    expect(at.after).toBeGreaterThanOrEqual(sent + 1_990);
    expect(h.logged("sleeper", 'step "nap" sleeping for 1000ms')).toBe(true);
  });

  it("resolves step.waitForEvent `match` with the matching event, and with null on timeout", async () => {
    const sent = Date.now();
    await h.client.send([
      { name: "test/order.placed", data: { orderId: "o-1" } },
      { name: "test/order.placed", data: { orderId: "o-2" } },
    ]);
    await eventually(() => h.logs.filter((l) => l.includes('step "wait-approval" waiting up to 2000ms')).length === 2, "both waits");
    expect(h.logged("approval", "where event.data.orderId == async.data.orderId")).toBe(true);
    await h.client.send([
      { name: "test/order.approved", data: { orderId: "o-3", by: "nobody" } },
      { name: "test/order.approved", data: { orderId: "o-1", by: "ann" } },
    ]);
    await eventually(() => seen.approvals.length === 2, "both approvals to finish", 5_000);
    const [first, second] = seen.approvals;
    expect(first).toMatchObject({ orderId: "o-1", by: "ann" });
    expect(first.at - sent).toBeLessThan(1_500);
    expect(second).toMatchObject({ orderId: "o-2", by: null });
    expect(second.at - sent).toBeGreaterThanOrEqual(1_990);
  });

  it("resolves step.waitForEvent `if` only with an event satisfying the expression", async () => {
    await h.client.send({ name: "test/gate.opened", data: { gateId: "g-1" } });
    await eventually(() => h.logged("gate", 'step "wait-decision" waiting'), "the wait");
    await h.client.send([
      { name: "test/gate.decided", data: { gateId: "g-1", decision: "no" } },
      { name: "test/gate.decided", data: { gateId: "g-2", decision: "yes" } },
      { name: "test/gate.decided", data: { gateId: "g-1", decision: "yes", n: 3 } },
    ]);
    await eventually(() => h.logged("gate", "completed"), "gate to complete");
    expect(seen.gates).toEqual([{ gateId: "g-1", decision: "yes", n: 3 }]);
  });

  it("sends inngest/function.failed so onFailure runs, after retries and at once on NonRetriableError", async () => {
    await h.client.send([
      { name: "test/fail", data: { case: "retried", fatal: false } },
      { name: "test/fail", data: { case: "fatal", fatal: true } },
      { name: "test/fail-quietly", data: {} },
    ]);
    await eventually(() => seen.failures.length === 2 && h.logged("fails-quietly", "failed"), "both failure handlers");
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.failAttempts.sort()).toEqual([0, 0, 1]);

    const all = await runs();
    const failedRuns = all.filter((r) => r.function === "runner-test-fails-with-handler");
    expect(failedRuns.map((r) => r.status)).toEqual(["failed", "failed"]);
    const byCase = Object.fromEntries(seen.failures.map((f) => [(f.original as { case: string }).case, f]));
    for (const [name, message, attempts] of [["retried", "broken every time", 2], ["fatal", "fatal input", 1]] as const) {
      const run = failedRuns.find((r) => r.id === byCase[name].run_id);
      expect(run).toMatchObject({ attempts, event: "test/fail" });
      expect(byCase[name]).toMatchObject({ function_id: "runner-test-fails-with-handler", message });
    }
    expect(byCase.fatal.name).toBe("NonRetriableError");
    // Only the failed function's own handler runs: its trigger `if` filters by function id.
    expect(seen.failures).toHaveLength(2);
    const handlerRuns = all.filter((r) => r.function === "runner-test-fails-with-handler-failure");
    expect(handlerRuns.map((r) => [r.event, r.status])).toEqual([
      ["inngest/function.failed", "completed"],
      ["inngest/function.failed", "completed"],
    ]);
  });

  it("sends inngest/function.finished with the result, to functions whose `if` selects it", async () => {
    await h.client.send({ name: "test/add", data: { a: 1, b: 2 } });
    await eventually(() => seen.finished.length > 0, "the finished handler");
    const adderRun = (await runs()).find((r) => r.function === "runner-test-adder");
    expect(seen.finished).toEqual([{ function_id: "runner-test-adder", run_id: adderRun?.id, result: { sum: 3 } }]);
  });

  it("starts a function only for events its trigger `if` accepts", async () => {
    await h.client.send([
      { name: "test/media.uploaded", data: { name: "short", kind: "video", size: 50 } },
      { name: "test/media.uploaded", data: { name: "photo", kind: "image", size: 500 } },
      { name: "test/media.uploaded", data: { name: "untyped", size: 500 } },
      { name: "test/media.uploaded", data: { name: "feature", kind: "video", size: 500 } },
    ]);
    await eventually(() => seen.bigVideos.length > 0, "big-videos to run");
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.bigVideos).toEqual(["feature"]);
  });

  it("lists recent runs on GET /runs, newest first", async () => {
    const all = await runs();
    expect(all.length).toBeGreaterThan(10);
    expect(all[0].startedAt >= all.at(-1)!.startedAt).toBe(true);
    expect(all.find((r) => r.function === "runner-test-sleeper")).toMatchObject({
      event: "test/sleep",
      status: "completed",
      attempts: 1,
      endedAt: expect.any(String),
    });
  });

  it("fires cron triggers on real timers with the inngest/scheduled.timer event, rescheduling on sync", async () => {
    // Put the runner's clock 400ms before a minute boundary, then sync so the schedule is recomputed.
    const real = Date.now();
    clockOffset = 60_000 - (real % 60_000) - 400;
    const syncedAt = Date.now();
    await h.runner.sync();
    await eventually(() => seen.ticks.some((t) => t.receivedAt >= syncedAt), "a cron tick", 5_000);
    const tick = seen.ticks.find((t) => t.receivedAt >= syncedAt)!;
    expect(tick).toMatchObject({ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } });
    expect((tick.ts as number) % 60_000).toBe(0);
    expect(tick.receivedAt - syncedAt).toBeLessThan(2_000);
    expect((await runs()).find((r) => r.function === "runner-test-ticker")).toMatchObject({ event: "inngest/scheduled.timer" });
  });
});
