import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTypeConsistency, SNIFF_HEAD_BYTES, sniffMediaType } from "./sniff";
import { ensureFfmpeg, makeVideo } from "./test-media";

const ALLOWED = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/avif",
  "image/gif",
  "image/tiff",
  "image/heic",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  "video/x-matroska",
];

const head = (bytes: Buffer) => bytes.subarray(0, SNIFF_HEAD_BYTES);
const ftyp = (major: string, ...compatible: string[]) => {
  const box = Buffer.alloc(16 + 4 * compatible.length);
  box.writeUInt32BE(box.length, 0);
  box.write("ftyp" + major, 4, "latin1");
  compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, "latin1"));
  return Buffer.concat([box, Buffer.alloc(64)]);
};
const image = () => sharp({ create: { width: 40, height: 30, channels: 3, background: "#c04020" } });

describe("sniffMediaType on images sharp writes", () => {
  it.each([
    ["jpeg", "image/jpeg", "jpg"],
    ["png", "image/png", "png"],
    ["gif", "image/gif", "gif"],
    ["webp", "image/webp", "webp"],
    ["avif", "image/avif", "avif"],
    ["tiff", "image/tiff", "tiff"],
  ] as const)("%s", async (format, mimeType, ext) => {
    const bytes = await image().toFormat(format).toBuffer();
    expect(sniffMediaType(head(bytes))).toMatchObject({ mimeType, ext, kind: "image" });
  });
});

describe("sniffMediaType on videos ffmpeg writes", () => {
  let dir: string;
  beforeAll(() => {
    ensureFfmpeg();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sniff-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["clip.mp4", [], "video/mp4", "mp4"],
    ["clip.m4v", [], "video/mp4", "m4v"],
    ["clip.mov", [], "video/quicktime", "mov"],
    ["clip.webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus"], "video/webm", "webm"],
    ["clip.mkv", ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"], "video/x-matroska", "mkv"],
  ])("%s", async (name, codecArgs, mimeType, ext) => {
    const file = await makeVideo({ file: path.join(dir, name), width: 160, height: 90, seconds: 1, codecArgs: codecArgs.length ? codecArgs : undefined });
    expect(sniffMediaType(head(fs.readFileSync(file)))).toMatchObject({ mimeType, ext, kind: "video" });
  });
});

describe("sniffMediaType on container brands", () => {
  it.each([
    ["an iPhone HEIC", ftyp("heic", "mif1", "heic"), "image/heic"],
    ["a HEIC with a structural major brand", ftyp("mif1", "mif1", "heic"), "image/heic"],
    ["an AVIF with a structural major brand", ftyp("mif1", "avif", "miaf"), "image/avif"],
    ["a plain HEIF", ftyp("mif1", "mif1"), "image/heif"],
    ["an MP4 with an uncommon major brand", ftyp("XYZ1", "isom", "avc1"), "video/mp4"],
    ["an M4A", ftyp("M4A ", "M4A ", "isom"), "audio/mp4"],
    ["a 3GP", ftyp("3gp4", "isom"), "video/3gpp"],
  ])("%s", (_, bytes, mimeType) => {
    expect(sniffMediaType(bytes)?.mimeType).toBe(mimeType);
  });

  it("knows an old QuickTime file that starts with a moov atom", () => {
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from("moov"), Buffer.alloc(24)]);
    expect(sniffMediaType(bytes)?.mimeType).toBe("video/quicktime");
  });

  it("refuses to guess an unknown ftyp brand (e.g. a Canon CR3 raw)", () => {
    expect(sniffMediaType(ftyp("crx ", "crx "))).toBeNull();
  });
});

describe("sniffMediaType on things that are not media", () => {
  it.each([
    ["a real ELF binary", () => fs.readFileSync(process.execPath).subarray(0, SNIFF_HEAD_BYTES), "application/x-executable", "executable"],
    ["a PE header", () => Buffer.concat([Buffer.from("MZ\x90\0", "latin1"), Buffer.alloc(60)]), "application/vnd.microsoft.portable-executable", "executable"],
    ["a 64-bit Mach-O", () => Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), "application/x-mach-binary", "executable"],
    ["a fat Mach-O", () => Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), "application/x-mach-binary", "executable"],
    ["a Java class", () => Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]), "application/java-vm", "executable"],
    ["a shell script", () => Buffer.from("#!/bin/sh\nrm -rf /\n"), "text/x-shellscript", "executable"],
    ["a ZIP", () => Buffer.from("PK\x03\x04\x14\0\0\0", "latin1"), "application/zip", "archive"],
    ["a PDF", () => Buffer.from("%PDF-1.7\n"), "application/pdf", "document"],
  ])("%s", (_, bytes, mimeType, kind) => {
    expect(sniffMediaType(bytes())).toMatchObject({ mimeType, kind });
  });

  it.each([
    ["empty input", Buffer.alloc(0)],
    ["plain text", Buffer.from("hello, world")],
    ["an SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ["a truncated PNG signature", Buffer.from([0x89, 0x50, 0x4e])],
    ["an EBML file of another kind", Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x93, 0x42, 0x82, 0x84, ...Buffer.from("abcd")])],
  ])("returns null for %s", (_, bytes) => {
    expect(sniffMediaType(bytes)).toBeNull();
  });
});

describe("checkTypeConsistency", () => {
  it("stores a PNG named .jpg as image/png", async () => {
    const png = await image().png().toBuffer();
    expect(checkTypeConsistency("image/jpeg", sniffMediaType(png), ALLOWED)).toEqual({ ok: true, mimeType: "image/png" });
  });

  it("accepts content matching the declaration, and content sent without a type", async () => {
    const jpeg = await image().jpeg().toBuffer();
    expect(checkTypeConsistency("image/jpeg", sniffMediaType(jpeg), ALLOWED)).toEqual({ ok: true, mimeType: "image/jpeg" });
    expect(checkTypeConsistency("", sniffMediaType(jpeg), ALLOWED)).toEqual({ ok: true, mimeType: "image/jpeg" });
  });

  it("refuses an ELF binary renamed .jpg, saying what it is", () => {
    const elf = fs.readFileSync(process.execPath).subarray(0, SNIFF_HEAD_BYTES);
    expect(checkTypeConsistency("image/jpeg", sniffMediaType(elf), ALLOWED)).toEqual({
      ok: false,
      reason: "The content is a Linux/Unix executable (ELF) (declared as image/jpeg); programs are never accepted.",
    });
  });

  it("refuses a Windows executable renamed .jpg, even if executables were on the allow-list", () => {
    const pe = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(100)]);
    const result = checkTypeConsistency("image/jpeg", sniffMediaType(pe), [...ALLOWED, "application/vnd.microsoft.portable-executable"]);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("a Windows executable (PE)") });
  });

  it("refuses a recognised format that is not on the allow-list", () => {
    const result = checkTypeConsistency("video/mp4", sniffMediaType(ftyp("M4A ", "isom")), ALLOWED);
    expect(result).toEqual({ ok: false, reason: "The content is an MP4 audio file (audio/mp4, declared as video/mp4), which is not an accepted type." });
  });

  it("follows the configured allow-list, not a built-in one", async () => {
    const gif = await image().gif().toBuffer();
    expect(checkTypeConsistency("image/gif", sniffMediaType(gif), ["image/jpeg"]).ok).toBe(false);
  });

  it("refuses unrecognised content", () => {
    expect(checkTypeConsistency("image/png", sniffMediaType(Buffer.from("<html>")), ALLOWED)).toEqual({
      ok: false,
      reason: "The content is not a recognised image or video format (declared as image/png).",
    });
  });
});
