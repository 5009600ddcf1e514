// Edge paths. Everything the CDN serves sits under /media/<fileId>/, so one file's paths can be found,
// invalidated (or, on CloudFront, collapsed into one `/media/<fileId>/*` wildcard) together:
//   /media/<fileId>/current                        the current version's original (changes: invalidated)
//   /media/<fileId>/variants/<versionId>/<name>    a processing variant (immutable under its version id)

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const EDGE_PATH = new RegExp(`^/media/(${UUID})/(?:(current)|variants/(${UUID})/(thumbnail|preview|poster))$`);

export function originalEdgePath(fileId: string): string {
  return `/media/${fileId}/current`;
}

export function variantEdgePath(fileId: string, versionId: string, name: string): string {
  return `/media/${fileId}/variants/${versionId}/${name}`;
}

/** Every path of a file on the edge, as one wildcard (providers that take wildcards). */
export function fileEdgeWildcard(fileId: string): string {
  return `/media/${fileId}/*`;
}

export const ALL_MEDIA_WILDCARD = "/media/*";

export type EdgeTarget = { fileId: string; kind: "current" } | { fileId: string; kind: "variant"; versionId: string; name: "thumbnail" | "preview" | "poster" };

/** What an edge path names; null for anything else. */
export function parseEdgePath(path: string): EdgeTarget | null {
  const m = EDGE_PATH.exec(path);
  if (!m) return null;
  if (m[2]) return { fileId: m[1], kind: "current" };
  return { fileId: m[1], kind: "variant", versionId: m[3], name: m[4] as "thumbnail" | "preview" | "poster" };
}

/** The file a path (or a per-file wildcard) belongs to; null for `/media/*`. */
export function fileIdOfPath(path: string): string | null {
  return new RegExp(`^/media/(${UUID})/`).exec(path)?.[1] ?? null;
}
