import "server-only";
// The ESM build by path: the package's "main" (UMD) only has a default export and its "module"
// build only named ones, so each bundler or runtime would otherwise see a different shape.
import { parse as parseTags } from "exifr/dist/full.esm.mjs";

export interface ExifFacts {
  capturedAt?: string;
  cameraMake?: string;
  cameraModel?: string;
  gps?: { lat: number; lon: number };
}

// Only the blocks that hold what we keep: parsing less is faster and exposes less parser surface.
const OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  translateKeys: true,
  translateValues: false,
  // exifr would read EXIF dates in the server's time zone; we resolve the zone ourselves.
  reviveValues: false,
  sanitize: true,
  mergeOutput: true,
};

const EXIF_HEADER = Buffer.from("Exif\0\0", "latin1");

/**
 * Capture time, camera and position from a raw EXIF block as sharp's `metadata().exif` returns it
 * ("Exif\0\0" and a TIFF structure). Unreadable or absent values are left out, never guessed.
 */
export async function parseExif(raw: Buffer | undefined): Promise<ExifFacts> {
  if (!raw || raw.length < 8) return {};
  const tiff = raw.subarray(0, EXIF_HEADER.length).equals(EXIF_HEADER) ? raw.subarray(EXIF_HEADER.length) : raw;
  const tags: Record<string, unknown> | undefined = await parseTags(tiff, OPTIONS).catch(() => undefined);
  if (!tags) return {};
  const facts: ExifFacts = {};
  const capturedAt =
    exifDateToIso(tags.DateTimeOriginal, tags.SubSecTimeOriginal, tags.OffsetTimeOriginal) ??
    exifDateToIso(tags.CreateDate, tags.SubSecTimeDigitized, tags.OffsetTimeDigitized);
  if (capturedAt) facts.capturedAt = capturedAt;
  const make = cleanText(tags.Make);
  if (make) facts.cameraMake = make;
  const model = cleanText(tags.Model);
  if (model) facts.cameraModel = model;
  const gps = position(tags.latitude, tags.longitude);
  if (gps) facts.gps = gps;
  return facts;
}

/**
 * "YYYY:MM:DD HH:MM:SS" is a wall-clock time; with an OffsetTime tag it becomes an exact instant.
 * Without one the zone is unknown and we take it as UTC, which is how network cameras are usually set.
 */
export function exifDateToIso(value: unknown, subSeconds?: unknown, offset?: unknown): string | undefined {
  const m = typeof value === "string" ? /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim()) : null;
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second] = m.map(Number);
  const millis = Math.round(Number(`0.${String(subSeconds ?? "").replace(/\D/g, "") || "0"}`) * 1000);
  const zone = typeof offset === "string" ? /^([+-])(\d{2}):?(\d{2})$/.exec(offset.trim()) : null;
  const offsetMinutes = zone ? (zone[1] === "-" ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Math.min(millis, 999)) - offsetMinutes * 60_000;
  const date = new Date(utc);
  // Date.UTC rolls "2024:02:30" over into March; a camera that wrote that has no real date.
  const local = new Date(utc + offsetMinutes * 60_000);
  if (year < 1900 || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) return undefined;
  return date.toISOString();
}

function cleanText(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.replace(/\0/g, "").trim();
  return text ? text.slice(0, 200) : undefined;
}

// Cameras without a fix often write 0/0; that is "no position", not a point in the Gulf of Guinea.
function position(lat: unknown, lon: unknown): { lat: number; lon: number } | undefined {
  if (typeof lat !== "number" || typeof lon !== "number" || !Number.isFinite(lat) || !Number.isFinite(lon)) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return undefined;
  return { lat, lon };
}
