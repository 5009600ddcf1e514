// Test inputs for the processing tests, made on the spot so no binary fixture lives in the repo.
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { ensureDebianPackages } from "@/scripts/stack/provision";

const execFileAsync = promisify(execFile);

/** ffmpeg and ffprobe from Debian, installed on first use like the rest of the local stack. */
export function ensureFfmpeg(): void {
  if (!ensureDebianPackages(["ffmpeg"], ["ffmpeg", "ffprobe"], (line) => console.log(line))) {
    throw new Error("ffmpeg and ffprobe are needed: apt-get install ffmpeg");
  }
}

export interface VideoSpec {
  file: string;
  width?: number;
  height?: number;
  seconds?: number;
  /** Encoder arguments: H.264/AAC in MP4 unless given. */
  codecArgs?: string[];
  extraArgs?: string[];
}

/** A test-pattern video with a tone, e.g. a 2 s 640x360 H.264/AAC MP4. */
export async function makeVideo(spec: VideoSpec): Promise<string> {
  const { width = 640, height = 360, seconds = 2 } = spec;
  const codec = spec.codecArgs ?? ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart"];
  await execFileAsync("ffmpeg", [
    ...["-hide_banner", "-nostdin", "-v", "error", "-y"],
    ...["-f", "lavfi", "-i", `testsrc=size=${width}x${height}:rate=25:duration=${seconds}`],
    ...["-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`],
    ...codec,
    ...(spec.extraArgs ?? []),
    spec.file,
  ]);
  return spec.file;
}

/**
 * Serves a folder over HTTP with single-range support, as S3 serves a presigned GET; `requests`
 * records each request's path and Range header.
 */
export async function serveFolder(dir: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push(`${url.pathname} ${req.headers.range ?? ""}`.trim());
    const file = path.join(dir, path.basename(url.pathname));
    if (!fs.existsSync(file)) return res.writeHead(404).end("NoSuchKey");
    const size = fs.statSync(file).size;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    if (!range) {
      res.writeHead(200, { "Content-Length": size, "Accept-Ranges": "bytes" });
      return fs.createReadStream(file).pipe(res);
    }
    const start = range[1] ? Number(range[1]) : size - Number(range[2]);
    const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start >= size) return res.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
    res.writeHead(206, { "Content-Length": end - start + 1, "Content-Range": `bytes ${start}-${end}/${size}`, "Accept-Ranges": "bytes" });
    fs.createReadStream(file, { start, end }).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The EICAR anti-virus test file, assembled at run time so this source file itself does not trip a
 * virus scanner on a developer's machine.
 */
export function eicar(): Buffer {
  const reversed = "*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\\4[PA@%P!O5X";
  return Buffer.from([...reversed].reverse().join(""), "latin1");
}

/**
 * A decompression bomb: a black 16000×16000 PNG (256 megapixels, gigabytes once decoded) that
 * compresses to well under a megabyte. Takes a few seconds to make.
 */
export function makePixelBomb(width = 16000, height = 16000): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#000" } }).png().toBuffer();
}
