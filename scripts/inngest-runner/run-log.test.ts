import { describe, expect, it } from "vitest";
import { RunLog, type RunRecord } from "./run-log";

describe("RunLog", () => {
  it("keeps the latest 200 runs, newest first", () => {
    const log = new RunLog();
    for (let i = 0; i < 205; i++) {
      log.add({ id: `r${i}`, function: "f", event: "e", status: "completed", attempts: 1, startedAt: "" } satisfies RunRecord);
    }
    const ids = log.list().map((r) => r.id);
    expect(ids).toHaveLength(200);
    expect(ids[0]).toBe("r204");
    expect(ids.at(-1)).toBe("r5");
  });
});
