export type ByteRange = { start: number; end: number };

/**
 * Parses a single `bytes=` range against `size` (RFC 9110). Returns null to serve the whole file
 * (no header, several ranges, or a syntax we ignore) and "unsatisfiable" for a 416.
 */
export function parseRange(header: string | null, size: number): ByteRange | null | "unsatisfiable" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from, to] = match;
  if (!from && !to) return null;
  if (!from) {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  if (start >= size) return "unsatisfiable";
  const end = to ? Math.min(Number(to), size - 1) : size - 1;
  if (end < start) return null;
  return { start, end };
}

/** `If-None-Match` with a list of tags or `*`; weak comparison as the RFC asks for GET. */
export function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === bare);
}
