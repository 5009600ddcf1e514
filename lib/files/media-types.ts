import { env } from "@/lib/env";
import { payloadTooLarge, unsupportedMediaType } from "@/lib/api/errors";
import { formatBytes } from "@/lib/format";
import { fileExtension } from "./filename";

/** File extensions that each media type may carry; a mismatch is refused before any byte is stored. */
const EXTENSIONS: Record<string, string[]> = {
  "image/jpeg": ["jpg", "jpeg", "jpe", "jfif"],
  "image/png": ["png"],
  "image/webp": ["webp"],
  "image/avif": ["avif"],
  "image/gif": ["gif"],
  "image/tiff": ["tif", "tiff"],
  "image/heic": ["heic", "heif"],
  "video/mp4": ["mp4", "m4v"],
  "video/webm": ["webm"],
  "video/quicktime": ["mov", "qt"],
  "video/x-matroska": ["mkv"],
};

export function normaliseMimeType(type: string | null | undefined): string {
  return (type ?? "").split(";")[0].trim().toLowerCase();
}

/** Guesses the type from the extension when the client sent none or a generic one. */
export function mimeTypeFromName(filename: string): string | null {
  const ext = fileExtension(filename);
  for (const [type, exts] of Object.entries(EXTENSIONS)) if (exts.includes(ext)) return type;
  return null;
}

/** Resolves the declared type and refuses what the configured allow-list does not accept. */
export function assertAcceptableType(filename: string, declared: string | null | undefined): string {
  let type = normaliseMimeType(declared);
  if (!type || type === "application/octet-stream") type = mimeTypeFromName(filename) ?? type;
  if (!env().ALLOWED_MIME_TYPES.includes(type)) {
    throw unsupportedMediaType(`Files of type "${type || "unknown"}" are not accepted.`);
  }
  const ext = fileExtension(filename);
  const known = EXTENSIONS[type];
  if (ext && known && !known.includes(ext)) {
    throw unsupportedMediaType(`The extension ".${ext}" does not match the type "${type}".`);
  }
  return type;
}

export function assertAcceptableSize(size: number): void {
  const max = env().MAX_UPLOAD_BYTES;
  if (size > max) throw payloadTooLarge(`Files may be at most ${formatBytes(max)}; this one is ${formatBytes(size)}.`);
}
