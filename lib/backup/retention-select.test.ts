// Retention's choice of sets (B2) as a pure function: 4 fulls and 7 incrementals by default, and never an
// incremental without its base full.
import { describe, expect, it } from "vitest";
import { selectRetention, type RetentionCandidate } from "./retention-select";

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n, 2));
const KEEP = { full: 4, incremental: 7 };

/** Weeks of a full on Sunday and six incrementals on the other days, each based on that week's full. */
function weeks(count: number): RetentionCandidate[] {
  const sets: RetentionCandidate[] = [];
  for (let w = 0; w < count; w++) {
    const full = `f${w}`;
    sets.push({ id: full, type: "full", baseSetId: null, startedAt: day(w * 7) });
    for (let d = 1; d < 7; d++) sets.push({ id: `i${w}-${d}`, type: "incremental", baseSetId: full, startedAt: day(w * 7 + d) });
  }
  return sets;
}

describe("selectRetention", () => {
  it("keeps the newest 4 fulls and the newest 7 incrementals, and expires the rest", () => {
    const { keep, expire } = selectRetention(weeks(6), KEEP);
    expect(keep.filter((id) => id.startsWith("f"))).toEqual(["f5", "f4", "f3", "f2"]);
    expect(keep.filter((id) => id.startsWith("i"))).toEqual(["i5-6", "i5-5", "i5-4", "i5-3", "i5-2", "i5-1", "i4-6"]);
    expect(expire).toContain("f1");
    expect(expire).toContain("f0");
    expect(expire).toContain("i4-5");
    expect(keep.length + expire.length).toBe(42);
  });

  it("never keeps an incremental whose full is expired, however new", () => {
    const sets = weeks(2);
    // A stray incremental based on the oldest full, newer than everything else.
    sets.push({ id: "late", type: "incremental", baseSetId: "f0", startedAt: day(30) });
    const { keep, expire } = selectRetention(sets, { full: 1, incremental: 7 });
    expect(keep).not.toContain("late");
    expect(expire).toContain("late");
    for (const id of keep.filter((k) => k.startsWith("i"))) expect(id.startsWith("i1-")).toBe(true);
    expect(keep).toContain("f1");
  });

  it("never keeps an incremental without a base at all", () => {
    const { keep } = selectRetention([{ id: "orphan", type: "incremental", baseSetId: null, startedAt: day(1) }], KEEP);
    expect(keep).toEqual([]);
  });

  it("keeps everything while there are fewer sets than the limits", () => {
    const sets = weeks(1).slice(0, 3);
    expect(selectRetention(sets, KEEP)).toEqual({ keep: ["i0-2", "i0-1", "f0"], expire: [] });
  });

  it("honours other limits (BACKUP_KEEP_FULL / BACKUP_KEEP_INCREMENTAL)", () => {
    const { keep } = selectRetention(weeks(3), { full: 2, incremental: 0 });
    expect(keep).toEqual(["f2", "f1"]);
  });
});
