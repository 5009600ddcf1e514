import { describe, expect, it } from "vitest";
import { uniqueEntryNames } from "./zip-names";

describe("ZIP entry names", () => {
  it("numbers repeated names, ignoring case, before the extension", () => {
    expect(uniqueEntryNames(["a.jpg", "b.jpg", "a.jpg", "A.JPG", "a.jpg"])).toEqual(["a.jpg", "b.jpg", "a (2).jpg", "A (3).JPG", "a (4).jpg"]);
  });

  it("never reuses a name another file already has", () => {
    const names = uniqueEntryNames(["a (2).jpg", "a.jpg", "a.jpg", "clip", "clip"]);
    expect(names).toEqual(["a (2).jpg", "a.jpg", "a (3).jpg", "clip", "clip (2)"]);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
  });

  it("keeps names inside the archive: no paths, controls, or dot-only names", () => {
    expect(uniqueEntryNames(["../../etc/passwd", "..", "a\\b.jpg", "x\u202egpj.exe", "/abs.png", ""])).toEqual([
      "_.._etc_passwd", "file", "a_b.jpg", "x_gpj.exe", "_abs.png", "file (2)",
    ]);
  });
});
