import { ApiError } from "@/lib/api/errors";

const MAX_FILENAME_BYTES = 255;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
/** C0/C1 controls and the bidi marks, embeddings, overrides and isolates that disguise an extension. */
export const DECEPTIVE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

const invalidFilename = (message: string) => new ApiError(400, "invalid_filename", message);

/**
 * The name a file is stored and served under. A name that tries to be something else (a path, a
 * disguised extension, invisible characters) is refused rather than silently changed, so what the
 * client sees in the response is what it sent; only characters some file systems cannot hold are
 * replaced.
 */
export function sanitizeFilename(input: string): string {
  const nfc = input.normalize("NFC");
  if (/[\\/]/.test(nfc)) throw invalidFilename("A filename may not contain a path (/ or \\).");
  if (DECEPTIVE_CHARACTERS.test(nfc)) throw invalidFilename("A filename may not contain control or text-direction characters.");
  if (Buffer.byteLength(nfc) > MAX_FILENAME_BYTES) throw invalidFilename(`A filename may be at most ${MAX_FILENAME_BYTES} bytes.`);
  let name = nfc
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  if (!name) throw invalidFilename("The filename is empty.");
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  return name;
}

export function fileExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** `attachment; filename="ascii"; filename*=UTF-8''utf8` so every client gets a usable, safe name. */
export function contentDisposition(name: string, kind: "attachment" | "inline" = "attachment"): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
