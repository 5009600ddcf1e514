import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, NonRetriableError } from "inngest";
import { serve } from "inngest/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalInngestRunner, type LocalInngestRunner } from "./index";

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
};

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

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
  ];
}

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("local Inngest runner", () => {
  const logs: string[] = [];
  const logged = (fnId: string, text: string) => logs.some((l) => l.startsWith(`runner-test-${fnId} `) && l.includes(text));
  let app: Server;
  let appUrl: string;
  let runner: LocalInngestRunner;
  let client: Inngest;

  beforeAll(async () => {
    // The app answers 503 until its handler exists, like Next.js still compiling: the runner has
    // to keep retrying its start-up sync.
    let handler: RequestListener | undefined;
    app = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

    runner = await startLocalInngestRunner({ appUrl, log: (line) => logs.push(line), backoffMs: () => 10 });
    await eventually(() => logs.some((l) => l.startsWith("app not ready")), "the runner to find the app not ready");
    client = new Inngest({ id: "runner-test", isDev: true, baseUrl: runner.url, logger: quiet });
    handler = serve({ client, functions: defineFunctions(client) });
    await eventually(() => logs.some((l) => l.startsWith("synced ")), "the start-up sync");
  });

  afterAll(async () => {
    await runner?.stop();
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve));
  });

  it("registers the app's functions and reports them on /health", async () => {
    await runner.sync();
    const health = await fetch(`${runner.url}/health`).then((r) => r.json());
    expect(health).toEqual({ ok: true, functions: 8, appUrl });
  });

  it("answers inngest.send with event ids and runs a 2-step function, passing results between steps", async () => {
    const { ids } = await client.send({ name: "test/two-step", data: { n: 20 } });
    expect(ids).toHaveLength(1);
    await eventually(() => logged("two-step", "completed"), "two-step to complete");
    expect(seen.twoStep).toEqual([{ a: 21, b: 42 }]);
    expect(logs.find((l) => l.startsWith("runner-test-two-step ") && l.includes("completed"))).toContain('{"a":21,"b":42}');
  });

  it("retries a failing step until it succeeds, with the attempt counted in ctx", async () => {
    await client.send({ name: "test/flaky", data: {} });
    await eventually(() => logged("flaky-step", "completed"), "flaky-step to complete");
    expect(seen.flakyAttempts).toEqual([0, 1, 2]);
    expect(logged("flaky-step", '"third time lucky"')).toBe(true);
  });

  it("stops a function that always throws after its configured retries", async () => {
    await client.send({ name: "test/always-throws", data: {} });
    await eventually(() => logged("always-throws", "failed"), "always-throws to fail");
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.alwaysThrowsAttempts).toEqual([0, 1, 2]);
    expect(logged("always-throws", "always broken (attempt 3/3, no retries left)")).toBe(true);
  });

  it("stops immediately on NonRetriableError", async () => {
    await client.send({ name: "test/non-retriable", data: {} });
    await eventually(() => logged("non-retriable", "failed"), "non-retriable to fail");
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.nonRetriableAttempts).toEqual([0]);
    expect(logged("non-retriable", "not retriable")).toBe(true);
  });

  it("memoises a step that ran out of attempts as an error the function can catch", async () => {
    await client.send({ name: "test/doomed", data: {} });
    await eventually(() => logged("doomed-step", "completed"), "doomed-step to complete");
    expect(seen.doomedStepAttempts).toEqual([0, 1]);
    expect(seen.recovered).toEqual(["never works"]);
  });

  it("runs parallel steps once each before the step that joins them", async () => {
    await client.send({ name: "test/parallel", data: {} });
    await eventually(() => logged("parallel", "completed"), "parallel to complete");
    expect([...seen.parallelRuns].sort()).toEqual(["join", "left", "right"]);
    expect(seen.parallelRuns.at(-1)).toBe("join");
    expect(logged("parallel", 'output "LR"')).toBe(true);
  });

  it("lets step.sendEvent trigger another function through a wildcard trigger", async () => {
    await client.send({ name: "test/ping", data: { id: "p-1" } });
    await eventually(() => seen.pongs.length > 0, "pong to run");
    expect(seen.pongs).toEqual([{ name: "pong/received", data: { from: "p-1" } }]);
  });
});
