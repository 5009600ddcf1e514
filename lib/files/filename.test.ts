import { describe, expect, it } from "vitest";
import { contentDisposition, sanitizeFilename } from "./filename";

describe("sanitizeFilename", () => {
  it.each([
    ["../../etc/passwd", "passwd"],
    ["C:\\Windows\\system32\\evil.jpg", "evil.jpg"],
    ["  .hidden.jpg ", "hidden.jpg"],
    ["a\u0000b\r\nc.jpg", "abc.jpg"],
    ["x\u202egpj.exe", "xgpj.exe"],
    ['in<>:"|?*valid.png', "in_______valid.png"],
    ["CON.jpg", "_CON.jpg"],
    ["", "file"],
    ["...", "file"],
    ["Ảnh camera 1.jpg", "Ảnh camera 1.jpg"],
  ])("%j -> %j", (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it("bounds the length in bytes and keeps the extension", () => {
    const name = sanitizeFilename(`${"é".repeat(300)}.jpeg`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(name.endsWith(".jpeg")).toBe(true);
  });
});

describe("contentDisposition", () => {
  it("gives an ASCII fallback and the exact UTF-8 name", () => {
    expect(contentDisposition('Ảnh "1".jpg')).toBe(`attachment; filename="_nh _1_.jpg"; filename*=UTF-8''%E1%BA%A2nh%20%221%22.jpg`);
  });
});
