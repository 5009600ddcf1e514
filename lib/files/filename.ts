const MAX_FILENAME_BYTES = 200;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Makes a client-supplied name safe to store and to send back in headers: no path, no control or
 * bidi-override characters, no leading dots, bounded length, extension kept.
 */
export function sanitizeFilename(input: string): string {
  let name = input.normalize("NFC").split(/[\\/]/).pop() ?? "";
  name = name
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (!name) name = "file";
  if (Buffer.byteLength(name) > MAX_FILENAME_BYTES) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
    let base = name.slice(0, name.length - ext.length);
    while (Buffer.byteLength(base + ext) > MAX_FILENAME_BYTES) base = base.slice(0, -1);
    name = base + ext;
  }
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
