import { describe, expect, it } from "vitest";
import { ExpressionError, compileExpression, compileValueExpression, type Bindings } from "./expressions";

const evaluate = (source: string, vars: Bindings) => compileExpression(source)(vars);
const trigger = { name: "media/uploaded", data: { id: "f-1", kind: "video", size: 120, tags: ["a"], ok: true, none: null } };

describe("compileExpression", () => {
  it("compares the triggering event with the incoming one, as waitForEvent `match` generates", () => {
    const source = "event.data.id == async.data.id";
    expect(evaluate(source, { event: trigger, async: { data: { id: "f-1" } } })).toBe(true);
    expect(evaluate(source, { event: trigger, async: { data: { id: "f-2" } } })).toBe(false);
  });

  it("compares with single- and double-quoted strings, numbers, booleans and null", () => {
    expect(evaluate("event.data.kind == 'video'", { event: trigger })).toBe(true);
    expect(evaluate('event.data.kind == "image"', { event: trigger })).toBe(false);
    expect(evaluate("event.name == 'media/uploaded'", { event: trigger })).toBe(true);
    expect(evaluate("event.data.kind != 'image'", { event: trigger })).toBe(true);
    expect(evaluate("event.data.size >= 120 && event.data.size < 121.5", { event: trigger })).toBe(true);
    expect(evaluate("event.data.size > -1", { event: trigger })).toBe(true);
    expect(evaluate("event.data.ok == true && event.data.none == null", { event: trigger })).toBe(true);
    expect(evaluate("event.data.tags == event.data.tags", { event: trigger })).toBe(true);
    expect(evaluate("event.data.kind <= 'w'", { event: trigger })).toBe(true);
    expect(evaluate("event.data.kind > 1", { event: trigger })).toBe(false);
    expect(evaluate("'it\\'s' == \"it's\"", {})).toBe(true);
  });

  it("combines with && and || and parentheses, || binding looser", () => {
    expect(evaluate("event.data.kind == 'image' || event.data.size > 100", { event: trigger })).toBe(true);
    expect(evaluate("event.data.kind == 'image' && event.data.size > 100 || event.data.ok", { event: trigger })).toBe(true);
    expect(evaluate("event.data.kind == 'image' && (event.data.size > 100 || event.data.ok)", { event: trigger })).toBe(false);
    expect(evaluate("event.data.ok", { event: trigger })).toBe(true);
    expect(evaluate("event.data.size", { event: trigger })).toBe(false);
  });

  it("does not match when a field is missing, whatever the operator", () => {
    expect(evaluate("event.data.missing == 'x'", { event: trigger })).toBe(false);
    expect(evaluate("event.data.missing != 'x'", { event: trigger })).toBe(false);
    expect(evaluate("event.data.kind.deeper == 'x'", { event: trigger })).toBe(false);
    expect(evaluate("async.data.id == 'f-1'", { event: trigger })).toBe(false);
  });

  it.each([
    "!event.data.ok",
    "size(event.data.tags) > 0",
    "event.data.size + 1 > 2",
    "event.data.tags[0] == 'a'",
    "'a' in event.data.tags",
    "user.id == 1",
    "event.data.kind ==",
    "(event.data.ok",
    "event.data.ok event.data.ok",
  ])("rejects %s as outside the supported subset", (source) => {
    expect(() => compileExpression(source)).toThrow(ExpressionError);
  });

  it("chooses a value with cond ? a : b, nesting to the right, for priority factors and concurrency keys", () => {
    const factor = compileValueExpression("event.data.kind == 'image' ? 600 : event.data.kind == 'video' ? -600 : 0");
    expect(factor({ event: { data: { kind: "image" } } })).toBe(600);
    expect(factor({ event: { data: { kind: "video" } } })).toBe(-600);
    expect(factor({ event: { data: { kind: "doc" } } })).toBe(0);
    // As in CEL, a missing field is an error for the whole expression (Inngest then uses factor 0).
    expect(factor({ event: { data: {} } })).toBeUndefined();
    const key = compileValueExpression("event.data.camera != null ? event.data.camera : event.data.owner");
    expect(key({ event: { data: { camera: "c1", owner: "o1" } } })).toBe("c1");
    expect(key({ event: { data: { camera: null, owner: "o1" } } })).toBe("o1");
    expect(compileValueExpression("event.data.missing")({ event: { data: {} } })).toBeUndefined();
    expect(compileExpression("(event.data.size > 100 ? true : false)")({ event: trigger })).toBe(true);
    expect(() => compileValueExpression("event.data.ok ? 1")).toThrow(ExpressionError);
  });
});
