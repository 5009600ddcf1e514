import "server-only";
import type { Readable } from "node:stream";
// The Node entry by name: it reads Node streams, and TypeScript's "bundler" resolution would
// otherwise pick the browser typings (web streams only).
import { fileTypeFromBuffer, fileTypeFromStream, type FileTypeResult } from "file-type/node";

// What a file really is, from its first bytes: the declared type and the name come from the client and
// prove nothing. `file-type` recognises the formats; only our rule for what to accept lives here.

/**
 * The most of an object that sniffing may read: file-type's own ceiling for skipping through untrusted
 * input. It reads lazily, so most files are decided within their first 4 KiB; read the object as a
 * stream limited to this (a ranged GET), never whole.
 */
export const SNIFF_MAX_BYTES = 16 * 1024 * 1024;

export type SniffedKind = "image" | "video" | "audio" | "program" | "other";

export interface SniffedType {
  mimeType: string;
  ext: string;
  kind: SniffedKind;
}

export type TypeCheck = { ok: true; mimeType: string } | { ok: false; reason: string };

// file-type's names where ours differ: ours are the allow-list's, and what browsers and ffmpeg call them.
const OUR_NAME: Record<string, string> = {
  "video/matroska": "video/x-matroska",
  "video/x-m4v": "video/mp4",
  "audio/x-m4a": "audio/mp4",
};

// Executable code: refused even where an allow-list were to name it.
const PROGRAMS = new Set([
  "application/x-msdownload",
  "application/x-elf",
  "application/x-mach-binary",
  "application/java-vm",
  "application/vnd.android.dex",
  "application/wasm",
]);

function ours(found: FileTypeResult | undefined): SniffedType | null {
  if (!found) return null;
  const mimeType = OUR_NAME[found.mime] ?? found.mime;
  const top = mimeType.split("/")[0];
  const kind: SniffedKind = PROGRAMS.has(mimeType) ? "program" : top === "image" || top === "video" || top === "audio" ? top : "other";
  return { mimeType, ext: found.ext, kind };
}

/**
 * The type of the content, from its first bytes or a stream of them; null when no known format
 * matches. A stream is read only as far as detection needs; the caller closes it.
 */
export async function sniffMediaType(content: Uint8Array | Readable): Promise<SniffedType | null> {
  return ours(content instanceof Uint8Array ? await fileTypeFromBuffer(content) : await fileTypeFromStream(content));
}

/**
 * Decides the type a file is stored and served as. The content wins over the declaration: a PNG
 * named .jpg is fine as image/png, as long as the content's type is itself on the allow-list.
 */
export function checkTypeConsistency(declared: string, sniffed: SniffedType | null, allowed: readonly string[]): TypeCheck {
  const claim = declared ? `declared as ${declared}` : "declared without a type";
  if (!sniffed) {
    return { ok: false, reason: `The content is not a recognised image or video format (${claim}).` };
  }
  if (sniffed.kind === "program") {
    return { ok: false, reason: `The content is an executable program (${sniffed.mimeType}, ${claim}); programs are never accepted.` };
  }
  if (!allowed.includes(sniffed.mimeType)) {
    return { ok: false, reason: `The content is ${sniffed.mimeType} (${claim}), which is not an accepted type.` };
  }
  return { ok: true, mimeType: sniffed.mimeType };
}
