import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFfmpeg, makeVideo, serveFolder } from "./test-media";
import { extractPosterFrame, probeVideo } from "./video";

const execFileAsync = promisify(execFile);
// What a presigned S3 URL looks like: the signature must never show up in an error.
const SIGNED = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-Signature=5ecre7519";

let dir: string;
let server: Awaited<ReturnType<typeof serveFolder>>;
const at = (name: string) => `${server.url}/${name}${SIGNED}`;

beforeAll(async () => {
  ensureFfmpeg();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "video-"));
  const file = (name: string) => path.join(dir, name);
  await Promise.all([
    makeVideo({ file: file("clip.mp4"), extraArgs: ["-metadata", "creation_time=2024-05-06T07:08:09Z"] }),
    makeVideo({ file: file("silent.webm"), width: 320, height: 240, codecArgs: ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-an"] }),
    makeVideo({ file: file("large.mp4"), width: 2400, height: 1350, seconds: 1 }),
    makeVideo({ file: file("short.mp4"), width: 320, height: 240, seconds: 0.4 }),
    execFileAsync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", file("audio.m4a")]),
  ]);
  // A phone records portrait clips as landscape frames plus a display rotation.
  await execFileAsync("ffmpeg", ["-v", "error", "-i", file("clip.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90", file("portrait.mp4")]);
  server = await serveFolder(dir);
  // A playlist uploaded as "a video" would make ffmpeg fetch whatever it names, e.g. internal URLs.
  fs.writeFileSync(file("playlist.mp4"), `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${server.url}/internal.mp4\n#EXT-X-ENDLIST\n`);
  fs.copyFileSync(file("clip.mp4"), file("internal.mp4"));
});

afterAll(async () => {
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe("probeVideo", () => {
  it("reads duration, size, codecs and capture time from a presigned-style URL", async () => {
    const started = performance.now();
    const probe = await probeVideo(at("clip.mp4"));
    console.log(`probe over HTTP: ${Math.round(performance.now() - started)} ms`);
    expect(probe).toEqual({
      durationSeconds: expect.closeTo(2, 1),
      width: 640,
      height: 360,
      videoCodec: "h264",
      audioCodec: "aac",
      capturedAt: "2024-05-06T07:08:09.000Z",
    });
    expect(server.requests.some((r) => r.startsWith("/clip.mp4"))).toBe(true);
  });

  it("reports a rotated clip with its displayed dimensions", async () => {
    expect(await probeVideo(at("portrait.mp4"))).toMatchObject({ width: 360, height: 640 });
  });

  it("leaves out what a file does not have", async () => {
    const probe = await probeVideo(at("silent.webm"));
    expect(probe).toMatchObject({ width: 320, height: 240, videoCodec: "vp9" });
    expect(probe).not.toHaveProperty("audioCodec");
    expect(probe).not.toHaveProperty("capturedAt");
  });

  it("reads a local path too", async () => {
    expect(await probeVideo(path.join(dir, "clip.mp4"))).toMatchObject({ width: 640, height: 360 });
  });

  it("refuses an audio-only file", async () => {
    await expect(probeVideo(at("audio.m4a"))).rejects.toThrow("The file has no video stream.");
  });

  it("does not follow a playlist disguised as a video", async () => {
    await expect(probeVideo(at("playlist.mp4"))).rejects.toThrow(/ffprobe could not read/);
    expect(server.requests.filter((r) => r.startsWith("/internal.mp4"))).toEqual([]);
  });

  it("fails with the HTTP error and without the URL's signature", async () => {
    const error = await probeVideo(at("missing.mp4")).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/404/);
    expect((error as Error).message).toContain(`${server.url}/missing.mp4?…`);
    expect((error as Error).message).not.toContain("5ecre7519");
  });
});

describe("extractPosterFrame", () => {
  it("grabs a WebP frame 10% in over HTTP", async () => {
    const started = performance.now();
    const poster = await extractPosterFrame(at("clip.mp4"), { durationSeconds: 2 });
    console.log(`poster over HTTP: ${Math.round(performance.now() - started)} ms`);
    expect(await sharp(poster).metadata()).toMatchObject({ format: "webp", width: 640, height: 360 });
  });

  it("turns a rotated clip upright", async () => {
    const poster = await extractPosterFrame(at("portrait.mp4"), { durationSeconds: 2 });
    expect(await sharp(poster).metadata()).toMatchObject({ width: 360, height: 640 });
  });

  it("scales a large frame down to 1600 px", async () => {
    const poster = await extractPosterFrame(at("large.mp4"));
    expect(await sharp(poster).metadata()).toMatchObject({ format: "webp", width: 1600, height: 900 });
  });

  it("falls back to the first frame when the guessed time is past the end", async () => {
    const poster = await extractPosterFrame(at("short.mp4"));
    expect(await sharp(poster).metadata()).toMatchObject({ width: 320, height: 240 });
  });

  it("fails on a file that is not a video", async () => {
    await expect(extractPosterFrame(at("playlist.mp4"))).rejects.toThrow(/ffmpeg could not read/);
  });
});
