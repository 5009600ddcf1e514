import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTypeConsistency, sniffMediaType } from "./sniff";
import { ensureFfmpeg, makeVideo } from "./test-media";

const ALLOWED = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/avif",
  "image/gif",
  "image/tiff",
  "image/heic",
  "image/heif",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  "video/x-matroska",
];

/** A byte stream as S3 or a file hands it over (not an object-mode stream), counting what was read from it. */
function byteStream(bytes: Buffer, chunkSize = 64 * 1024) {
  const counter = { pulled: 0 };
  let offset = 0;
  const stream = new Readable({
    read() {
      if (offset >= bytes.length) return void this.push(null);
      const chunk = bytes.subarray(offset, offset + chunkSize);
      offset += chunk.length;
      counter.pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, counter };
}

/** The first bytes of the node binary running this test: a real ELF executable. */
function nodeBinaryHead(): Buffer {
  const fd = fs.openSync(process.execPath, "r");
  const head = Buffer.alloc(4100);
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  return head;
}

const ftyp = (major: string, ...compatible: string[]) => {
  const box = Buffer.alloc(16 + 4 * compatible.length);
  box.writeUInt32BE(box.length, 0);
  box.write("ftyp" + major, 4, "latin1");
  compatible.forEach((brand, i) => box.write(brand, 16 + 4 * i, "latin1"));
  return Buffer.concat([box, Buffer.alloc(64)]);
};
const image = (width = 40, height = 30) =>
  sharp({ create: { width, height, channels: 3, background: "#c04020", noise: { type: "gaussian", mean: 128, sigma: 30 } } });

describe("sniffMediaType on images sharp writes", () => {
  it.each([
    ["jpeg", "image/jpeg", "jpg"],
    ["png", "image/png", "png"],
    ["gif", "image/gif", "gif"],
    ["webp", "image/webp", "webp"],
    ["avif", "image/avif", "avif"],
    ["tiff", "image/tiff", "tif"],
  ] as const)("%s, from its first bytes and from a stream", async (format, mimeType, ext) => {
    const bytes = await image().toFormat(format).toBuffer();
    expect(await sniffMediaType(bytes.subarray(0, 4100))).toEqual({ mimeType, ext, kind: "image" });
    expect(await sniffMediaType(byteStream(bytes).stream)).toEqual({ mimeType, ext, kind: "image" });
  });

  it.each([
    ["half a megabyte", 400, 400],
    ["megabytes", 1200, 900],
  ])("knows a TIFF whose directory comes after %s of pixels, as sharp and many cameras write it", async (_, width, height) => {
    const tiff = await image(width, height).tiff({ compression: "none" }).toBuffer();
    expect(tiff.readUInt32LE(4)).toBeGreaterThan(width * height * 3);
    expect(await sniffMediaType(tiff.subarray(0, 4100))).toBeNull();
    expect(await sniffMediaType(byteStream(tiff).stream)).toEqual({ mimeType: "image/tiff", ext: "tif", kind: "image" });
  });

  it("reads only the first bytes of a large file, never all of it", async () => {
    const jpeg = await image(64, 64).jpeg().toBuffer();
    const { stream, counter } = byteStream(Buffer.concat([jpeg, Buffer.alloc(32 * 1024 * 1024)]));
    expect(await sniffMediaType(stream)).toMatchObject({ mimeType: "image/jpeg" });
    expect(counter.pulled).toBeLessThan(1024 * 1024);
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
    const stream = fs.createReadStream(file);
    expect(await sniffMediaType(stream)).toEqual({ mimeType, ext, kind: "video" });
    stream.destroy();
  });
});

describe("sniffMediaType on container brands", () => {
  it.each([
    ["an iPhone HEIC", ftyp("heic", "mif1", "heic"), "image/heic", "image"],
    ["a HEIF with a structural major brand", ftyp("mif1", "mif1", "heic"), "image/heif", "image"],
    ["an MP4 with an uncommon major brand", ftyp("XYZ1", "isom", "avc1"), "video/mp4", "video"],
    ["a QuickTime with its own brand", ftyp("qt  ", "qt  "), "video/quicktime", "video"],
    ["an M4A", ftyp("M4A ", "M4A ", "isom"), "audio/mp4", "audio"],
    ["a 3GP", ftyp("3gp4", "isom"), "video/3gpp", "video"],
    ["a Canon CR3 raw", ftyp("crx ", "crx "), "image/x-canon-cr3", "image"],
  ])("%s", async (_, bytes, mimeType, kind) => {
    expect(await sniffMediaType(bytes)).toMatchObject({ mimeType, kind });
  });

  it("knows an old QuickTime file that starts with a moov atom", async () => {
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from("moov"), Buffer.alloc(24)]);
    expect((await sniffMediaType(bytes))?.mimeType).toBe("video/quicktime");
  });
});

describe("sniffMediaType on things that are not media", () => {
  it.each([
    ["a real ELF binary", () => nodeBinaryHead(), "application/x-elf", "program"],
    ["a PE header", () => Buffer.concat([Buffer.from("MZ\x90\0", "latin1"), Buffer.alloc(60)]), "application/x-msdownload", "program"],
    ["a 64-bit Mach-O", () => Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), "application/x-mach-binary", "program"],
    ["a Java class", () => Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]), "application/java-vm", "program"],
    ["a ZIP", () => Buffer.from("PK\x03\x04\x14\0\0\0", "latin1"), "application/zip", "other"],
    ["a PDF", () => Buffer.from("%PDF-1.7\n"), "application/pdf", "other"],
  ])("%s", async (_, bytes, mimeType, kind) => {
    expect(await sniffMediaType(bytes())).toMatchObject({ mimeType, kind });
  });

  it.each([
    ["empty input", Buffer.alloc(0)],
    ["plain text", Buffer.from("hello, world")],
    ["a shell script", Buffer.from("#!/bin/sh\nrm -rf /\n")],
    ["an SVG with a script", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ["an HTML page", Buffer.from("<!doctype html><html><body><script>alert(1)</script></body></html>")],
    ["a truncated PNG signature", Buffer.from([0x89, 0x50, 0x4e])],
    ["an EBML file of another kind", Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x93, 0x42, 0x82, 0x84, ...Buffer.from("abcd")])],
  ])("finds no format in %s", async (_, bytes) => {
    expect(await sniffMediaType(bytes)).toBeNull();
  });
});

describe("checkTypeConsistency", () => {
  it("stores a PNG named .jpg as image/png", async () => {
    const png = await image().png().toBuffer();
    expect(checkTypeConsistency("image/jpeg", await sniffMediaType(png), ALLOWED)).toEqual({ ok: true, mimeType: "image/png" });
  });

  it("accepts content matching the declaration, and content sent without a type", async () => {
    const jpeg = await image().jpeg().toBuffer();
    expect(checkTypeConsistency("image/jpeg", await sniffMediaType(jpeg), ALLOWED)).toEqual({ ok: true, mimeType: "image/jpeg" });
    expect(checkTypeConsistency("", await sniffMediaType(jpeg), ALLOWED)).toEqual({ ok: true, mimeType: "image/jpeg" });
  });

  it("records a Matroska video under the allow-list's name for it", async () => {
    const mkv = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88, ...Buffer.from("matroska")]);
    expect(checkTypeConsistency("video/x-matroska", await sniffMediaType(mkv), ALLOWED)).toEqual({ ok: true, mimeType: "video/x-matroska" });
  });

  it("refuses an ELF binary renamed .jpg, saying what it is", async () => {
    const elf = nodeBinaryHead();
    expect(checkTypeConsistency("image/jpeg", await sniffMediaType(elf), ALLOWED)).toEqual({
      ok: false,
      reason: "The content is an executable program (application/x-elf, declared as image/jpeg); programs are never accepted.",
    });
  });

  it("refuses a Windows executable renamed .jpg, even if executables were on the allow-list", async () => {
    const pe = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(100)]);
    const result = checkTypeConsistency("image/jpeg", await sniffMediaType(pe), [...ALLOWED, "application/x-msdownload"]);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("executable program (application/x-msdownload") });
  });

  it("refuses a recognised format that is not on the allow-list", async () => {
    const result = checkTypeConsistency("video/mp4", await sniffMediaType(ftyp("M4A ", "isom")), ALLOWED);
    expect(result).toEqual({ ok: false, reason: "The content is audio/mp4 (declared as video/mp4), which is not an accepted type." });
  });

  it("follows the configured allow-list, not a built-in one", async () => {
    const gif = await image().gif().toBuffer();
    expect(checkTypeConsistency("image/gif", await sniffMediaType(gif), ["image/jpeg"]).ok).toBe(false);
  });

  it.each([
    ["an SVG with a script", "image/svg+xml", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'],
    ["an HTML page named .jpg", "image/jpeg", "<html><script>fetch('/api/v1/users')</script></html>"],
  ])("refuses %s", async (_, declared, text) => {
    expect(checkTypeConsistency(declared, await sniffMediaType(Buffer.from(text)), ALLOWED)).toEqual({
      ok: false,
      reason: `The content is not a recognised image or video format (declared as ${declared}).`,
    });
  });
});
