import { describe, expect, it } from "vitest";
import { nextCronTime, parseCron } from "./cron";
import { CronScheduler } from "./cron-scheduler";
import type { RunnerEvent } from "./event-intake";
import type { RegisteredFunction } from "./registry";

const next = (cron: string, after: string) => new Date(nextCronTime(parseCron(cron), Date.parse(after))).toISOString();

describe("parseCron", () => {
  it("expands values, lists, ranges, steps and names", () => {
    const s = parseCron("*/15 9-17/4 1,15,20-21 JAN,jun-Jul MON-FRI");
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...s.hours]).toEqual([9, 13, 17]);
    expect([...s.days]).toEqual([1, 15, 20, 21]);
    expect([...s.months]).toEqual([1, 6, 7]);
    expect([...s.weekdays]).toEqual([1, 2, 3, 4, 5]);
    expect([...parseCron("5/20 * * * *").minutes]).toEqual([5, 25, 45]);
  });

  it("folds 7 onto Sunday and knows the shorthands", () => {
    expect([...parseCron("0 0 * * 7").weekdays]).toEqual([0]);
    expect(parseCron("@hourly")).toEqual(parseCron("0 * * * *"));
    expect(parseCron("@daily")).toEqual(parseCron("0 0 * * *"));
  });

  it("reads a TZ prefix without applying it", () => {
    const s = parseCron("TZ=Europe/Paris 30 8 * * *");
    expect(s.timezone).toBe("Europe/Paris");
    expect(parseCron("CRON_TZ=UTC 0 0 * * *").timezone).toBe("UTC");
    expect(next("TZ=Europe/Paris 30 8 * * *", "2024-06-01T00:00:00Z")).toBe("2024-06-01T08:30:00.000Z");
  });

  it.each([
    ["* * * *", /must have 5 fields/],
    ["60 * * * *", /out of range/],
    ["* * 0 * *", /out of range/],
    ["5-1 * * * *", /backwards/],
    ["*/0 * * * *", /positive integer/],
    ["1-2-3 * * * *", /malformed range/],
    ["a * * * *", /out of range/],
    ["1,,2 * * * *", /malformed item/],
  ])("rejects %s", (cron, message) => {
    expect(() => parseCron(cron)).toThrow(message);
  });
});

describe("nextCronTime", () => {
  it("returns the next whole minute strictly after the given time", () => {
    expect(next("* * * * *", "2024-01-01T10:00:00.000Z")).toBe("2024-01-01T10:01:00.000Z");
    expect(next("* * * * *", "2024-01-01T10:00:59.999Z")).toBe("2024-01-01T10:01:00.000Z");
  });

  it("rolls over hours, days, months and years", () => {
    expect(next("*/15 * * * *", "2024-01-01T10:50:00Z")).toBe("2024-01-01T11:00:00.000Z");
    expect(next("0 9 * * *", "2024-01-31T10:00:00Z")).toBe("2024-02-01T09:00:00.000Z");
    expect(next("0 0 1 1 *", "2024-03-01T00:00:00Z")).toBe("2025-01-01T00:00:00.000Z");
    expect(next("0 0 29 2 *", "2023-03-01T00:00:00Z")).toBe("2024-02-29T00:00:00.000Z");
  });

  it("combines day fields: AND when one is *, OR when both are restricted", () => {
    // 2024-01-05 is a Friday.
    expect(next("0 9 * * MON-FRI", "2024-01-05T17:50:00Z")).toBe("2024-01-08T09:00:00.000Z");
    expect(next("0 12 1 * 0", "2024-01-02T00:00:00Z")).toBe("2024-01-07T12:00:00.000Z");
    expect(next("0 12 1 * 0", "2024-01-28T13:00:00Z")).toBe("2024-02-01T12:00:00.000Z");
  });

  it("gives up on a schedule that never fires", () => {
    expect(() => nextCronTime(parseCron("0 0 30 2 *"), Date.parse("2024-01-01T00:00:00Z"))).toThrow(/never fires/);
  });
});

describe("CronScheduler", () => {
  const fn = (id: string, cron: string) => ({ id, triggers: [{ cron }], steps: {} }) as RegisteredFunction;

  it("fires on real timers, and a new schedule replaces the old one instead of adding to it", async () => {
    const stopping = new AbortController();
    let offset = 0;
    const fired: Array<{ fn: string; event: RunnerEvent }> = [];
    const scheduler = new CronScheduler({
      now: () => Date.now() + offset,
      log: () => {},
      signal: stopping.signal,
      fire: (f, event) => fired.push({ fn: f.id, event }),
    });
    const nearMinute = () => (offset = 60_000 - (Date.now() % 60_000) - 300);

    nearMinute();
    scheduler.schedule([fn("a", "* * * * *")]);
    scheduler.schedule([fn("a", "* * * * *"), fn("b", "0 0 1 1 *")]);
    await new Promise((r) => setTimeout(r, 700));
    expect(fired.map((f) => f.fn)).toEqual(["a"]);
    expect(fired[0].event).toMatchObject({ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } });

    nearMinute();
    scheduler.schedule([]);
    await new Promise((r) => setTimeout(r, 700));
    expect(fired).toHaveLength(1);
    stopping.abort();
  });
});
