// A counting event as two cameras record it: three snapshots and a clip, with capture times in their EXIF and MP4 tags.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { ensureFfmpeg, makeVideo } from "@/lib/processing/test-media";

export interface EventMediaFile {
  name: string;
  type: string;
  bytes: Buffer;
  cameraId: string;
  capturedAt: string;
}

function exifTime(iso: string): string {
  return iso.slice(0, 19).replace(/-/g, ":").replace("T", " ");
}

function snapshot(name: string, cameraId: string, capturedAt: string, color: string): Promise<EventMediaFile> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: color } })
    .jpeg({ quality: 80 })
    .withExif({ IFD0: { Make: "Axis Communications", Model: cameraId }, IFD2: { DateTimeOriginal: exifTime(capturedAt), OffsetTimeOriginal: "+00:00" } })
    .toBuffer()
    .then((bytes) => ({ name, type: "image/jpeg", bytes, cameraId, capturedAt }));
}

/** In capture order; `tag` makes the names unique per run. Capture times are 2024-05-06 07:08:00Z plus 0, 4, 9 and 15 s. */
export async function countingEventMedia(tag: string): Promise<EventMediaFile[]> {
  ensureFfmpeg();
  const dir = await mkdtemp(path.join(tmpdir(), "event-media-"));
  try {
    const clipAt = "2024-05-06T07:08:09.000Z";
    const clipFile = await makeVideo({ file: path.join(dir, "clip.mp4"), width: 320, height: 240, seconds: 2, extraArgs: ["-metadata", `creation_time=${clipAt}`] });
    const clip: EventMediaFile = { name: `${tag}-entrance-clip.mp4`, type: "video/mp4", bytes: await readFile(clipFile), cameraId: "cam-door", capturedAt: clipAt };
    return [
      await snapshot(`${tag}-approach.jpg`, "cam-lobby", "2024-05-06T07:08:00.000Z", "#3a6"),
      await snapshot(`${tag}-at-door.jpg`, "cam-door", "2024-05-06T07:08:04.000Z", "#36a"),
      clip,
      await snapshot(`${tag}-inside.jpg`, "cam-lobby", "2024-05-06T07:08:15.000Z", "#a63"),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same media in the order the test uploads them: not their capture order. */
export function uploadOrder<T>(media: T[]): T[] {
  return [media[3], media[1], media[2], media[0]];
}
