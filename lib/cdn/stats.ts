import "server-only";
import fs from "node:fs";
import { and, eq, gte, ne, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { cdnInvalidations } from "@/db/schema";
import { env } from "@/lib/env";
import { startOfMonth } from "./drain";

// CDN figures for the operations metrics (O1): the lead wires `readCdnStats()` into the Prometheus registry.

const globalForStats = globalThis as unknown as {
  framevaultCdnStats?: { issued: { original: number; variant: number }; cache: Record<string, number>; logOffset: number };
};

function state() {
  globalForStats.framevaultCdnStats ??= { issued: { original: 0, variant: 0 }, cache: {}, logOffset: 0 };
  return globalForStats.framevaultCdnStats;
}

/** Counts a signed edge URL handed out (this process, since it started). */
export function countEdgeUrlIssued(kind: "original" | "variant"): void {
  state().issued[kind] += 1;
}

/**
 * Reads what the nginx edge appended to its cache-status log (one `$upstream_cache_status` a line: HIT,
 * MISS, EXPIRED, …) since the last read. Only where the app can read the edge's log (CDN_NGINX_CACHE_LOG).
 */
function readEdgeCacheLog(): Record<string, number> {
  const s = state();
  const file = env().CDN_NGINX_CACHE_LOG;
  if (!file || env().CDN_PROVIDER !== "nginx") return s.cache;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    if (size < s.logOffset) s.logOffset = 0; // rotated
    const length = size - s.logOffset;
    if (length > 0) {
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, s.logOffset);
      const text = buffer.toString("utf8");
      const complete = text.lastIndexOf("\n") + 1;
      for (const line of text.slice(0, complete).split("\n")) {
        const status = line.trim() || null;
        if (status && status !== "-") s.cache[status] = (s.cache[status] ?? 0) + 1;
      }
      s.logOffset += Buffer.byteLength(text.slice(0, complete));
    }
  } catch {
    // No log here (the edge runs elsewhere): no hit ratio.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return s.cache;
}

export interface CdnStats {
  provider: string;
  edgeUrlsIssued: { original: number; variant: number };
  /** This month (UTC), invalidations not failed. */
  month: { start: string; invalidations: number; paths: number; costUsd: number };
  /** Edge responses by nginx cache status, and HIT / all; null where the provider does not report it. */
  edgeCache: { byStatus: Record<string, number>; hitRatio: number | null };
}

/** Everything the metrics endpoint needs about the CDN, in one call. */
export async function readCdnStats(now = new Date()): Promise<CdnStats> {
  const start = startOfMonth(now);
  const [month] = await getDb()
    .select({
      invalidations: sql<number>`count(*)::int`,
      paths: sql<number>`coalesce(sum(${cdnInvalidations.pathCount}), 0)::int`,
      costUsd: sql<number>`coalesce(sum(${cdnInvalidations.costUsd}), 0)::float8`,
    })
    .from(cdnInvalidations)
    .where(and(gte(cdnInvalidations.createdAt, start), ne(cdnInvalidations.status, "failed"), eq(cdnInvalidations.provider, env().CDN_PROVIDER)));
  const byStatus = { ...readEdgeCacheLog() };
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    provider: env().CDN_PROVIDER,
    edgeUrlsIssued: { ...state().issued },
    month: { start: start.toISOString(), invalidations: month?.invalidations ?? 0, paths: month?.paths ?? 0, costUsd: month?.costUsd ?? 0 },
    edgeCache: { byStatus, hitRatio: total > 0 ? (byStatus.HIT ?? 0) / total : null },
  };
}
