import "server-only";
import { and, count, desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { cdnInvalidationQueue, cdnInvalidations, type CdnInvalidationRow } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { CLOUDFRONT_PRICING } from "./cloudfront";
import type { cdnInvalidationListQuerySchema } from "./schemas";
import { readCdnStats } from "./stats";

/** Paths shown per invalidation in the list; the count says how many there are. */
const PATHS_SHOWN = 5;

function toInvalidationSummary(row: CdnInvalidationRow) {
  return {
    id: row.id,
    provider: row.provider,
    providerId: row.providerId,
    status: row.status,
    pathCount: row.pathCount,
    paths: row.paths.slice(0, PATHS_SHOWN),
    costUsd: row.costUsd,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

/** `GET /api/v1/cdn/invalidations` and the admin CDN page: recent invalidations, the month's paths and cost, what waits. */
export async function listCdnInvalidations(_ctx: ServiceContext, query: z.infer<typeof cdnInvalidationListQuerySchema>) {
  const db = getDb();
  const rows = await db
    .select()
    .from(cdnInvalidations)
    .where(and(query.status ? eq(cdnInvalidations.status, query.status) : undefined, query.path ? sql`${query.path} = any(${cdnInvalidations.paths})` : undefined))
    .orderBy(desc(cdnInvalidations.createdAt), desc(cdnInvalidations.id))
    .limit(query.limit);
  const [queued] = await db.select({ n: count() }).from(cdnInvalidationQueue);
  const stats = await readCdnStats();
  const provider = env().CDN_PROVIDER;
  return {
    provider,
    month: { ...stats.month, freePaths: provider === "cloudfront" ? CLOUDFRONT_PRICING.freePathsPerMonth : null },
    queuedPaths: queued?.n ?? 0,
    edgeCache: stats.edgeCache,
    invalidations: rows.map(toInvalidationSummary),
  };
}
