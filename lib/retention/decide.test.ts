import { describe, expect, it } from "vitest";
import { decideRetention, governingRule, type RetentionRuleLike } from "./decide";

// The precedence as a pure function: no services needed.
const r = (x: Partial<RetentionRuleLike> & Pick<RetentionRuleLike, "id" | "scope" | "scopeValue" | "keepDays">): RetentionRuleLike =>
  ({ name: x.id, enabled: true, action: "delete", destination: null, ...x });
const file = { cameraId: "cam-1", siteId: "site-1", category: "entrance", createdAt: new Date("2026-01-01T00:00:00Z"), legalHold: false };
const asOf = new Date("2026-01-11T00:00:00Z");

describe("retention precedence", () => {
  it("camera beats site beats category, whatever the keep", () => {
    const rules = [r({ id: "cat", scope: "category", scopeValue: "entrance", keepDays: 1 }), r({ id: "site", scope: "site", scopeValue: "site-1", keepDays: 2 }), r({ id: "cam", scope: "camera", scopeValue: "cam-1", keepDays: 30 })];
    expect(governingRule(file, rules)?.id).toBe("cam");
    expect(decideRetention(file, rules, asOf)).toMatchObject({ outcome: "keep", rule: { id: "cam" } });
    expect(governingRule({ ...file, cameraId: null }, rules)?.id).toBe("site");
    expect(decideRetention({ ...file, cameraId: null }, rules, asOf)).toMatchObject({ outcome: "due", rule: { id: "site" } });
    expect(governingRule({ ...file, cameraId: "other", siteId: null }, rules)?.id).toBe("cat");
  });
  it("among equals the longest keep wins, then archive over delete; disabled rules do not count", () => {
    const rules = [
      r({ id: "a", scope: "camera", scopeValue: "cam-1", keepDays: 7 }),
      r({ id: "b", scope: "camera", scopeValue: "cam-1", keepDays: 14 }),
      r({ id: "c", scope: "camera", scopeValue: "cam-1", keepDays: 14, action: "archive", destination: "GLACIER" }),
      r({ id: "d", scope: "camera", scopeValue: "cam-1", keepDays: 90, enabled: false }),
    ];
    expect(governingRule(file, rules)?.id).toBe("c");
  });
  it("a legal hold beats every rule, and no rule means nothing happens", () => {
    const rules = [r({ id: "a", scope: "camera", scopeValue: "cam-1", keepDays: 1 })];
    expect(decideRetention({ ...file, legalHold: true }, rules, asOf)).toMatchObject({ outcome: "held", rule: { id: "a" } });
    expect(decideRetention(file, [], asOf).outcome).toBe("none");
  });
});
