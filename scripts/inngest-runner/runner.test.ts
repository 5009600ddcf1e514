import { NonRetriableError, type Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "./test-harness";

// What the test functions saw, filled in as the runner drives them through the real SDK.
const seen = {
  twoStep: [] as unknown[],
  flakyAttempts: [] as number[],
  alwaysThrowsAttempts: [] as number[],
  nonRetriableAttempts: [] as number[],
  doomedStepAttempts: [] as number[],
  recovered: [] as string[],
  pongs: [] as unknown[],
  parallelRuns: [] as string[],
  mixed: [] as unknown[],
};

function defineFunctions(client: Inngest) {
  return [
    client.createFunction({ id: "two-step", triggers: [{ event: "test/two-step" }] }, async ({ event, step }) => {
      const a = await step.run("add-one", () => (event.data.n as number) + 1);
      const b = await step.run("double", () => a * 2);
      seen.twoStep.push({ a, b });
      return { a, b };
    }),
    client.createFunction({ id: "flaky-step", triggers: [{ event: "test/flaky" }] }, async ({ step, attempt }) => {
      return step.run("flaky", () => {
        seen.flakyAttempts.push(attempt);
        if (seen.flakyAttempts.length < 3) throw new Error("not yet");
        return "third time lucky";
      });
    }),
    client.createFunction({ id: "always-throws", retries: 2, triggers: [{ event: "test/always-throws" }] }, async ({ attempt }) => {
      seen.alwaysThrowsAttempts.push(attempt);
      throw new Error("always broken");
    }),
    client.createFunction({ id: "non-retriable", triggers: [{ event: "test/non-retriable" }] }, async ({ attempt }) => {
      seen.nonRetriableAttempts.push(attempt);
      throw new NonRetriableError("bad input");
    }),
    client.createFunction({ id: "doomed-step", retries: 1, triggers: [{ event: "test/doomed" }] }, async ({ step, attempt }) => {
      try {
        await step.run("doomed", () => {
          seen.doomedStepAttempts.push(attempt);
          throw new Error("never works");
        });
      } catch (err) {
        seen.recovered.push((err as Error).message);
        return "recovered";
      }
    }),
    client.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ step }) => {
      const [left, right] = await Promise.all([
        step.run("left", () => (seen.parallelRuns.push("left"), "L")),
        step.run("right", () => (seen.parallelRuns.push("right"), "R")),
      ]);
      return step.run("join", () => (seen.parallelRuns.push("join"), left + right));
    }),
    client.createFunction({ id: "ping", triggers: [{ event: "test/ping" }] }, async ({ event, step }) => {
      await step.sendEvent("send-pong", { name: "pong/received", data: { from: event.data.id } });
    }),
    client.createFunction({ id: "pong", triggers: [{ event: "pong/*" }] }, async ({ event }) => {
      seen.pongs.push({ name: event.name, data: event.data });
    }),
    client.createFunction({ id: "mixed", triggers: [{ event: "test/mixed" }] }, async ({ step }) => {
      const [, work, go] = await Promise.all([
        step.sleep("nap", "1s"),
        step.run("work", () => (seen.mixed.push("work"), 42)),
        step.waitForEvent("wait-go", { event: "test/go", timeout: "5s" }),
      ]);
      return step.run("after", () => (seen.mixed.push("after"), { work, go: go?.data ?? null }));
    }),
  ];
}

describe("local Inngest runner", () => {
  let h: Harness;
  const logged = (fnId: string, text: string) => h.logged(fnId, text);

  beforeAll(async () => {
    h = await startHarness(defineFunctions);
  });

  afterAll(() => h?.stop());

  it("registers the app's functions and reports them on /health", async () => {
    await h.runner.sync();
    const health = await fetch(`${h.runner.url}/health`).then((r) => r.json());
    expect(health).toEqual({ ok: true, functions: 9, appUrl: h.appUrl });
  });

  it("asks the app to sync for an event nothing listens to once, not once per such event", async () => {
    const syncs = () => h.logs.filter((l) => l.startsWith("synced ")).length;
    const unmatched = () => h.logs.filter((l) => l.includes("test/nobody-listens") && l.includes("matched no function")).length;
    const before = syncs();
    for (let i = 0; i < 5; i++) await h.client.send({ name: "test/nobody-listens", data: { i } });
    await eventually(() => unmatched() > 0, "the runner to find no function for the event");
    const after = syncs();
    expect(after - before).toBe(1);
    // Later events of the name cause no further sync (for UNMATCHED_RESYNC_MS), and are still accepted.
    const { ids } = await h.client.send({ name: "test/nobody-listens", data: { i: 5 } });
    expect(ids).toHaveLength(1);
    // A sync would start as the event is dispatched, right after it is accepted; give it ample time to show.
    await new Promise((r) => setTimeout(r, 1000));
    expect(syncs()).toBe(after);
    expect(unmatched()).toBeLessThanOrEqual(5);
  });

  it("answers inngest.send with event ids and runs a 2-step function, passing results between steps", async () => {
    const { ids } = await h.client.send({ name: "test/two-step", data: { n: 20 } });
    expect(ids).toHaveLength(1);
    await eventually(() => logged("two-step", "completed"), "two-step to complete");
    expect(seen.twoStep).toEqual([{ a: 21, b: 42 }]);
    expect(h.logs.find((l) => l.startsWith("runner-test-two-step ") && l.includes("completed"))).toContain('{"a":21,"b":42}');
  });

  it("retries a failing step until it succeeds, with the attempt counted in ctx", async () => {
    await h.client.send({ name: "test/flaky", data: {} });
    await eventually(() => logged("flaky-step", "completed"), "flaky-step to complete");
    expect(seen.flakyAttempts).toEqual([0, 1, 2]);
    expect(logged("flaky-step", '"third time lucky"')).toBe(true);
  });

  it("stops a function that always throws after its configured retries", async () => {
    await h.client.send({ name: "test/always-throws", data: {} });
    await eventually(() => logged("always-throws", "failed"), "always-throws to fail");
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.alwaysThrowsAttempts).toEqual([0, 1, 2]);
    expect(logged("always-throws", "always broken (attempt 3/3, no retries left)")).toBe(true);
  });

  it("stops immediately on NonRetriableError", async () => {
    await h.client.send({ name: "test/non-retriable", data: {} });
    await eventually(() => logged("non-retriable", "failed"), "non-retriable to fail");
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.nonRetriableAttempts).toEqual([0]);
    expect(logged("non-retriable", "not retriable")).toBe(true);
  });

  it("memoises a step that ran out of attempts as an error the function can catch", async () => {
    await h.client.send({ name: "test/doomed", data: {} });
    await eventually(() => logged("doomed-step", "completed"), "doomed-step to complete");
    expect(seen.doomedStepAttempts).toEqual([0, 1]);
    expect(seen.recovered).toEqual(["never works"]);
  });

  it("runs parallel steps once each before the step that joins them", async () => {
    await h.client.send({ name: "test/parallel", data: {} });
    await eventually(() => logged("parallel", "completed"), "parallel to complete");
    expect([...seen.parallelRuns].sort()).toEqual(["join", "left", "right"]);
    expect(seen.parallelRuns.at(-1)).toBe("join");
    expect(logged("parallel", 'output "LR"')).toBe(true);
  });

  it("lets step.sendEvent trigger another function through a wildcard trigger", async () => {
    await h.client.send({ name: "test/ping", data: { id: "p-1" } });
    await eventually(() => seen.pongs.length > 0, "pong to run");
    expect(seen.pongs).toEqual([{ name: "pong/received", data: { from: "p-1" } }]);
  });

  it("runs a sleep, a wait and a step in parallel, joining once all are done", async () => {
    const sent = Date.now();
    await h.client.send({ name: "test/mixed", data: {} });
    await eventually(() => logged("mixed", 'step "wait-go" waiting'), "the wait");
    await h.client.send({ name: "test/go", data: { n: 1 } });
    await eventually(() => logged("mixed", "completed"), "mixed to complete");
    expect(Date.now() - sent).toBeGreaterThanOrEqual(990);
    expect(seen.mixed).toEqual(["work", "after"]);
    expect(logged("mixed", 'output {"work":42,"go":{"n":1}}')).toBe(true);
  });
});

describe("stopping the local Inngest runner", () => {
  it("abandons sleeping and waiting runs instead of waiting for them", async () => {
    const h = await startHarness((client) => [
      client.createFunction({ id: "paused", triggers: [{ event: "test/paused" }] }, async ({ step }) => {
        await Promise.all([step.sleep("nap", "1d"), step.waitForEvent("wait", { event: "test/never", timeout: "1d" })]);
      }),
    ]);
    await h.client.send({ name: "test/paused", data: {} });
    await eventually(() => h.logged("paused", 'step "wait" waiting'), "the run to pause");
    const stopping = Date.now();
    await h.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(h.logged("paused", "abandoned, runner stopped")).toBe(true);
  });
});
