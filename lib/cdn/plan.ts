import { ALL_MEDIA_WILDCARD, fileEdgeWildcard, fileIdOfPath } from "./paths";

/** CloudFront takes at most 1000 paths per invalidation (the spec's maxInvalidations too). */
export const MAX_PATHS_PER_INVALIDATION = 1000;
/** CloudFront allows 15 wildcard paths in progress per distribution: per-file collapsing stays under it. */
export const MAX_FILE_WILDCARDS = 15;

export interface PlanOptions {
  wildcards: boolean;
  /** More paths than this waiting become one `/media/*` (providers with wildcards). */
  wildcardAbove: number;
  pricing: { freePathsPerMonth: number; usdPerPath: number };
  /** Paths already billed this month. */
  pathsThisMonth: number;
}

export interface PlannedInvalidation {
  paths: string[];
  costUsd: number;
}

/**
 * Turns the waiting paths into invalidation requests, cheapest first:
 * - duplicates go; with wildcards, more than `wildcardAbove` paths (or a queued `/media/*`) become the one
 *   `/media/*` (too many wait: CloudFront would refuse them in progress anyway);
 * - with wildcards, a file with several waiting paths gets `/media/<id>/*` instead (one billed path instead
 *   of n), for the files with most paths, at most 15 (CloudFront's wildcards in progress);
 * - the rest is split into requests of at most 1000 paths.
 * The cost estimate bills what exceeds the month's free paths.
 */
export function planInvalidations(waiting: string[], opts: PlanOptions): PlannedInvalidation[] {
  let paths = [...new Set(waiting)];
  if (paths.length === 0) return [];
  if (opts.wildcards && (paths.length > opts.wildcardAbove || paths.includes(ALL_MEDIA_WILDCARD))) {
    paths = [ALL_MEDIA_WILDCARD];
  } else if (opts.wildcards) {
    const byFile = new Map<string, string[]>();
    for (const p of paths) {
      const id = fileIdOfPath(p);
      if (id) byFile.set(id, [...(byFile.get(id) ?? []), p]);
    }
    const collapse = [...byFile.entries()]
      .filter(([id, ps]) => ps.length > 1 || ps.includes(fileEdgeWildcard(id)))
      .sort((a, b) => b[1].length - a[1].length)
      .slice(0, MAX_FILE_WILDCARDS);
    for (const [id, ps] of collapse) {
      const drop = new Set(ps);
      paths = [...paths.filter((p) => !drop.has(p)), fileEdgeWildcard(id)];
    }
  }
  const planned: PlannedInvalidation[] = [];
  let billed = opts.pathsThisMonth;
  for (let i = 0; i < paths.length; i += MAX_PATHS_PER_INVALIDATION) {
    const batch = paths.slice(i, i + MAX_PATHS_PER_INVALIDATION);
    const free = Math.max(0, opts.pricing.freePathsPerMonth - billed);
    const costUsd = Math.max(0, batch.length - free) * opts.pricing.usdPerPath;
    billed += batch.length;
    planned.push({ paths: batch, costUsd: Math.round(costUsd * 1e6) / 1e6 });
  }
  return planned;
}
