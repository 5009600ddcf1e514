import { describe, expect, it } from "vitest";
import { contentDisposition, sanitizeFilename } from "./filename";

describe("sanitizeFilename", () => {
  it.each([
    ["  .hidden.jpg ", "hidden.jpg"],
    ['in<>:"|?*valid.png', "in_______valid.png"],
    ["CON.jpg", "_CON.jpg"],
    ["Ảnh camera 1.jpg", "Ảnh camera 1.jpg"],
    ["e\u0301te\u0301.jpg", "été.jpg"],
  ])("keeps %j as %j", (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it.each([
    ["../../etc/passwd"],
    ["C:\\Windows\\system32\\evil.jpg"],
    ["a\u0000b.jpg"],
    ["a\r\nb.jpg"],
    ["x\u202egpj.exe"],
    ["photo\u2066.jpg"],
    ["zero\u200bwidth.jpg"],
    [""],
    ["..."],
    ["   "],
    [`${"é".repeat(200)}.jpeg`],
  ])("refuses %j with 400 invalid_filename", (input) => {
    expect(() => sanitizeFilename(input)).toThrowError(expect.objectContaining({ status: 400, code: "invalid_filename" }));
  });
});

describe("contentDisposition", () => {
  it("gives an ASCII fallback and the exact UTF-8 name", () => {
    expect(contentDisposition('Ảnh "1".jpg')).toBe(`attachment; filename="_nh _1_.jpg"; filename*=UTF-8''%E1%BA%A2nh%20%221%22.jpg`);
  });
});
