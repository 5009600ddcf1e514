import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, parseClientJson } from "./json";

const refused = (text: string) => expect(() => parseClientJson(text)).toThrowError(expect.objectContaining({ status: 400, code: "invalid_json" }));

describe("parseClientJson", () => {
  it("parses ordinary JSON", () => {
    expect(parseClientJson('{"a":[1,{"b":"c"}],"d":null}')).toEqual({ a: [1, { b: "c" }], d: null });
  });

  it("accepts nesting up to the limit and refuses one level more", () => {
    const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(parseClientJson(nested(MAX_JSON_DEPTH))).toBeDefined();
    refused(nested(MAX_JSON_DEPTH + 1));
  });

  it("refuses hostile nesting without overflowing the stack", () => {
    refused(`{"m":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
  });

  it("refuses malformed JSON and NUL characters in values and keys", () => {
    refused("{");
    refused('{"a":"x\\u0000y"}');
    refused('{"x\\u0000":1}');
  });
});
