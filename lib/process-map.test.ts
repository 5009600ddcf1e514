import { describe, expect, it } from "vitest";
import { BoundedMap, processMap } from "./process-map";

describe("BoundedMap", () => {
  it("drops the oldest entry beyond its bound, and a re-set key counts as newest", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).set("a", 3).set("c", 4);
    expect([...map]).toEqual([["a", 3], ["c", 4]]);
  });

  it("gives one map per name to the whole process", () => {
    const first = processMap<string, number>("test-shared", 5);
    first.set("k", 1);
    expect(processMap<string, number>("test-shared", 5).get("k")).toBe(1);
    expect(processMap<string, number>("test-other", 5).has("k")).toBe(false);
  });
});
