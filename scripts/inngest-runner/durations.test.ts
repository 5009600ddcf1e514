import { describe, expect, it } from "vitest";
import { delayMs, sleepUntil } from "./durations";

describe("delayMs", () => {
  const now = Date.parse("2024-01-01T00:00:00Z");

  it("reads the SDK's time strings", () => {
    expect(delayMs("1s", now)).toBe(1_000);
    expect(delayMs("1m30s", now)).toBe(90_000);
    expect(delayMs("1w2d3h4m5s", now)).toBe(((((7 + 2) * 24 + 3) * 60 + 4) * 60 + 5) * 1_000);
    expect(delayMs("", now)).toBe(0);
  });

  it("reads ISO dates as the time left, never negative", () => {
    expect(delayMs("2024-01-01T00:00:02.500Z", now)).toBe(2_500);
    expect(delayMs("2023-12-31T00:00:00Z", now)).toBe(0);
    expect(delayMs("soon", now)).toBeUndefined();
  });
});

describe("sleepUntil", () => {
  it("waits on a real timer for the given clock to reach the target", async () => {
    const started = Date.now();
    await sleepUntil(started + 150, Date.now, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it("gives up when aborted", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    await expect(sleepUntil(Date.now() + 60_000, Date.now, stop.signal)).rejects.toThrow(/abort/i);
  });
});
