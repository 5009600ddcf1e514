import type { Inngest } from "inngest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness } from "./test-harness";

// Observable side effects of the functions the runner drives through the real SDK.
const cameras = { running: new Map<string, number>(), overlaps: [] as string[], maxTotal: 0, total: 0, done: 0 };
const starts: string[] = [];
const gate = { open: false, waiting: true };
let loadDone = 0;

const until = async (check: () => boolean, what: string) => {
  while (!check()) {
    if (!gate.waiting) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

function defineFunctions(client: Inngest) {
  return [
    client.createFunction(
      {
        id: "per-camera",
        triggers: [{ event: "test/camera" }],
        concurrency: [{ key: "event.data.cameraId", limit: 1 }, { limit: 2 }],
      },
      async ({ event, step }) => {
        const camera = event.data.cameraId as string;
        for (const name of ["first", "second"]) {
          await step.run(name, async () => {
            const mine = cameras.running.get(camera) ?? 0;
            if (mine > 0) cameras.overlaps.push(`${camera} run ${event.data.n} ${name}`);
            cameras.running.set(camera, mine + 1);
            cameras.maxTotal = Math.max(cameras.maxTotal, ++cameras.total);
            // The first step of each camera's first run waits until the other camera is executing too:
            // it completes only if two cameras run in parallel.
            if (event.data.n === 0 && name === "first") {
              const other = camera === "a" ? "b" : "a";
              await until(() => (cameras.running.get(other) ?? 0) > 0, `camera ${other}`);
            }
            await new Promise((r) => setTimeout(r, 5));
            cameras.total--;
            cameras.running.set(camera, (cameras.running.get(camera) ?? 1) - 1);
          });
        }
        cameras.done++;
      },
    ),
    client.createFunction(
      {
        id: "prioritised",
        triggers: [{ event: "test/prioritised" }],
        concurrency: 1,
        priority: { run: "event.data.source == 'browser' ? 600 : event.data.source == 'backfill' ? -600 : 0" },
      },
      async ({ event, step }) => {
        await step.run("work", async () => {
          starts.push(event.data.label as string);
          if (event.data.label === "blocker") await until(() => gate.open, "the gate");
        });
      },
    ),
    client.createFunction({ id: "load-limited", triggers: [{ event: "test/load" }], concurrency: 4 }, async ({ step }) => {
      await step.run("a", () => 1);
      await step.run("b", () => 2);
      await step.run("c", () => 3);
      loadDone++;
    }),
    client.createFunction({ id: "load-free", triggers: [{ event: "test/load" }] }, async ({ step, attempt }) => {
      // Every first attempt fails, so the runner holds many retry timers at once.
      await step.run("a", () => {
        if (attempt === 0) throw new Error("first attempt fails");
        return 1;
      });
      loadDone++;
    }),
  ];
}

describe("local runner flow control (concurrency and priority as Inngest documents them)", () => {
  let h: Harness;
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);

  beforeAll(async () => {
    process.on("warning", onWarning);
    // Retries wait long enough that many of them are pending at once.
    h = await startHarness(defineFunctions, { backoffMs: () => 1_000 });
  });
  afterEach(() => {
    gate.open = true;
  });
  afterAll(async () => {
    gate.waiting = false;
    process.off("warning", onWarning);
    await h?.stop();
  });

  it("runs one camera's steps one at a time while two cameras run in parallel", async () => {
    const events = [0, 1, 2].flatMap((n) => ["a", "b"].map((cameraId) => ({ name: "test/camera", data: { cameraId, n } })));
    await h.client.send(events);
    const completed = () => h.logs.filter((l) => l.startsWith("runner-test-per-camera ") && l.includes("completed")).length;
    await eventually(() => completed() === 6, "the six camera runs to complete", 30_000);
    expect(cameras.done).toBe(6);
    expect(cameras.overlaps).toEqual([]);
    expect(cameras.maxTotal).toBe(2);
  });

  it("starts a browser upload's run before the bulk backlog queued ahead of it, and backfill after it", async () => {
    gate.open = false;
    await h.client.send({ name: "test/prioritised", data: { label: "blocker", source: "api" } });
    await eventually(() => starts.includes("blocker"), "the blocker to hold the only slot");
    await h.client.send({ name: "test/prioritised", data: { label: "backfill", source: "backfill" } });
    await h.client.send(Array.from({ length: 8 }, (_, i) => ({ name: "test/prioritised", data: { label: `bulk-${i}`, source: "camera" } })));
    await h.client.send({ name: "test/prioritised", data: { label: "browser", source: "browser" } });
    await eventually(() => h.logs.filter((l) => l.startsWith("runner-test-prioritised ") && l.includes("started by")).length === 11, "all runs queued");
    gate.open = true;
    await eventually(() => starts.length === 11, "every run to start", 30_000);
    expect(starts[0]).toBe("blocker");
    expect(starts[1]).toBe("browser");
    expect(starts.slice(2, 10)).toEqual(Array.from({ length: 8 }, (_, i) => `bulk-${i}`));
    expect(starts[10]).toBe("backfill");
  });

  it("drives 200 queued runs (two functions each, one retrying) without piling abort listeners on one signal", async () => {
    loadDone = 0;
    await h.client.send(Array.from({ length: 200 }, (_, i) => ({ name: "test/load", data: { i } })));
    await eventually(() => loadDone === 400, "400 runs", 120_000);
    await new Promise((r) => setImmediate(r));
    expect(warnings.map((w) => `${w.name}: ${w.message}`).filter((w) => w.includes("MaxListeners"))).toEqual([]);
  });
});
