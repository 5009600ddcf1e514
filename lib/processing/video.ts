import "server-only";
import { execFile } from "node:child_process";
import { openImage } from "./image";

export interface VideoProbe {
  /** Absent when the container does not say (e.g. a WebM recorded live). */
  durationSeconds?: number;
  /** As displayed, i.e. after the rotation a phone records (a portrait clip is taller than wide). */
  width: number;
  height: number;
  videoCodec: string;
  audioCodec?: string;
  capturedAt?: string;
}

export interface VideoToolOptions {
  timeoutMs?: number;
}

const TIMEOUT_MS = 60_000;
const POSTER_MAX_SIDE = 1600;
// Only the containers we accept: no playlists (HLS, concat) that could make ffmpeg fetch other URLs or local files.
const FORMAT_WHITELIST = "mov,mp4,matroska,webm";
// Read/write stall limit for HTTP, in microseconds: a hung S3 connection fails instead of waiting forever.
const RW_TIMEOUT_US = "20000000";

/**
 * The source is an http(s) URL (a presigned S3 GET: ffmpeg reads only the ranges it needs, nothing
 * is written to disk) or a local path. Protocols are pinned so the file cannot redirect ffmpeg elsewhere.
 */
function inputArgs(source: string): string[] {
  if (/^https?:\/\//i.test(source)) {
    return ["-protocol_whitelist", "http,https,tcp,tls", "-rw_timeout", RW_TIMEOUT_US, "-format_whitelist", FORMAT_WHITELIST, "-i", source];
  }
  return ["-protocol_whitelist", "file", "-format_whitelist", FORMAT_WHITELIST, "-i", `file:${source}`];
}

/** A presigned URL is a credential until it expires: never let it reach an error message or a log. */
function redact(text: string, source: string): string {
  const bare = source.split("?")[0];
  return text.split(source).join(bare === source ? source : `${bare}?…`);
}

function runTool(cmd: "ffprobe" | "ffmpeg", args: string[], source: string, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const options = { encoding: "buffer" as const, timeout: timeoutMs, killSignal: "SIGKILL" as const, maxBuffer: 64 << 20 };
    execFile(cmd, args, options, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const detail = stderr.toString().trim().split("\n").slice(-3).join(" | ") || err.message;
      const why = err.killed ? `timed out after ${timeoutMs} ms` : detail;
      reject(new Error(redact(`${cmd} could not read ${source}: ${why}`, source)));
    });
  });
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { duration?: string; tags?: Record<string, string> };
}

export async function probeVideo(source: string, options: VideoToolOptions = {}): Promise<VideoProbe> {
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", ...inputArgs(source)];
  const output = JSON.parse((await runTool("ffprobe", args, source, options.timeoutMs ?? TIMEOUT_MS)).toString()) as ProbeOutput;
  const video = output.streams?.find((s) => s.codec_type === "video" && s.width && s.height);
  if (!video?.codec_name || !video.width || !video.height) throw new Error("The file has no video stream.");
  const audio = output.streams?.find((s) => s.codec_type === "audio");
  const sideways = Math.abs(rotationOf(video)) % 180 === 90;
  const probe: VideoProbe = {
    width: sideways ? video.height : video.width,
    height: sideways ? video.width : video.height,
    videoCodec: video.codec_name,
  };
  const duration = Number(output.format?.duration ?? video.duration);
  if (Number.isFinite(duration) && duration > 0) probe.durationSeconds = duration;
  if (audio?.codec_name) probe.audioCodec = audio.codec_name;
  const capturedAt = captureTime(output.format?.tags ?? {});
  if (capturedAt) probe.capturedAt = capturedAt;
  return probe;
}

function rotationOf(stream: ProbeStream): number {
  const fromMatrix = stream.side_data_list?.find((d) => typeof d.rotation === "number")?.rotation;
  return fromMatrix ?? Number(stream.tags?.rotate ?? 0);
}

/**
 * Apple's creationdate carries the camera's zone; creation_time is UTC. Muxers write 0 when no time
 * was set, which ffprobe shows as 1904 or 1970: that is "unknown", not a capture time.
 */
function captureTime(tags: Record<string, string>): string | undefined {
  for (const key of ["com.apple.quicktime.creationdate", "creation_time"]) {
    const raw = tags[key];
    if (!raw) continue;
    const date = new Date(raw.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
    if (!Number.isNaN(date.getTime()) && date.getUTCFullYear() > 1970) return date.toISOString();
  }
  return undefined;
}

/**
 * A WebP poster for the video: a frame 10% in (1 s in when the duration is unknown), upright, at most
 * 1600 px on its longest side, never enlarged. Pass the probed duration to avoid probing twice.
 */
export async function extractPosterFrame(source: string, options: VideoToolOptions & { durationSeconds?: number } = {}): Promise<Buffer> {
  const at = options.durationSeconds ? options.durationSeconds * 0.1 : 1;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  let png = await grabFrame(source, at, timeoutMs);
  // A duration-less file may be shorter than the guess: seeking past the end yields no frame.
  if (png.length === 0 && at > 0) png = await grabFrame(source, 0, timeoutMs);
  if (png.length === 0) throw new Error("The video has no frame that could be decoded.");
  return openImage(png).webp({ quality: 82 }).toBuffer();
}

function grabFrame(source: string, atSeconds: number, timeoutMs: number): Promise<Buffer> {
  const fit = `scale=w='min(${POSTER_MAX_SIDE},iw)':h='min(${POSTER_MAX_SIDE},ih)':force_original_aspect_ratio=decrease`;
  return runTool(
    "ffmpeg",
    [
      ...["-hide_banner", "-nostdin", "-v", "error"],
      ...["-ss", atSeconds.toFixed(3)],
      ...inputArgs(source),
      ...["-map", "0:v:0", "-frames:v", "1", "-vf", fit],
      ...["-f", "image2pipe", "-c:v", "png", "pipe:1"],
    ],
    source,
    timeoutMs,
  );
}
