import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { createConcurrencyGate } from "./conversion-gate";

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settled = (promise: Promise<unknown>) => promise.then((value) => ({ value }), (error: unknown) => ({ error }));

describe("createConcurrencyGate", () => {
  it("runs at most `concurrency` tasks at once and starts the waiting ones in order as slots free up", async () => {
    const gate = createConcurrencyGate({ concurrency: 2, queueMs: 60_000, maxQueued: 10 });
    const blockers = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let atOnce = 0;
    let most = 0;
    const results = blockers.map((blocker, i) =>
      gate.run(async () => {
        started.push(i);
        most = Math.max(most, ++atOnce);
        await blocker.promise;
        atOnce--;
        return i;
      }),
    );
    await Promise.resolve();
    expect([gate.running, gate.waiting]).toEqual([2, 3]);
    for (const blocker of blockers) {
      blocker.resolve();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it("answers 503 with Retry-After when no slot frees up within the queue time", async () => {
    const gate = createConcurrencyGate({ concurrency: 1, queueMs: 20, maxQueued: 10 });
    const holder = deferred();
    const first = gate.run(() => holder.promise);
    const second = await settled(gate.run(async () => "never"));
    expect(second).toEqual({ error: expect.any(ApiError) });
    const error = (second as { error: ApiError }).error;
    expect([error.status, error.code, error.headers["Retry-After"]]).toEqual([503, "conversion_busy", "1"]);
    expect(gate.waiting).toBe(0);
    holder.resolve();
    await first;
    expect(await gate.run(async () => "after")).toBe("after");
  });

  it("refuses at once when the queue is full, instead of piling up", async () => {
    const gate = createConcurrencyGate({ concurrency: 1, queueMs: 60_000, maxQueued: 1 });
    const holder = deferred();
    const running = gate.run(() => holder.promise);
    const queued = gate.run(async () => "queued");
    expect(await settled(gate.run(async () => "third"))).toEqual({ error: expect.objectContaining({ status: 503 }) });
    holder.resolve();
    await running;
    expect(await queued).toBe("queued");
  });

  it("frees the slot of a task that fails", async () => {
    const gate = createConcurrencyGate({ concurrency: 1, queueMs: 60_000, maxQueued: 1 });
    expect(await settled(gate.run(async () => Promise.reject(new Error("sharp failed"))))).toEqual({ error: expect.objectContaining({ message: "sharp failed" }) });
    expect(gate.running).toBe(0);
    expect(await gate.run(async () => "next")).toBe("next");
  });
});
