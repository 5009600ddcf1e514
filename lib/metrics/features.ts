import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { readCdnStats } from "@/lib/cdn/stats";
import { logger } from "@/lib/log";
import { gauge } from "./registry";

// Figures of the archive (issue 9) and CDN (issue 11) features. Read at scrape time from small tables
// (lifecycle runs, retrievals, this month's invalidations) and the edge's cache-status log, at most once
// every FEATURE_MAX_AGE_MS per process; a scrape in between is answered from the last reading.

const FEATURE_MAX_AGE_MS = 15_000;

interface Reading {
  archive: {
    lastSuccess: number | null;
    lastDuration: number | null;
    lastMoved: number;
    lastMovedBytes: number;
    lastFailed: number;
    runningRuns: number;
    retrievals: Record<string, { count: number; cost: number; bytes: number }>;
  };
  cdn: Awaited<ReturnType<typeof readCdnStats>>;
}

const state = ((globalThis as unknown as { framevaultFeatureMetrics?: { at: number; reading: Promise<Reading | null> | null } }).framevaultFeatureMetrics ??= {
  at: 0,
  reading: null,
});

async function read(): Promise<Reading> {
  const db = getDb();
  const [last] = (await db.execute(sql`
    select extract(epoch from finished_at) as finished, extract(epoch from finished_at - started_at) as duration,
           coalesce((counts->>'moved')::bigint, 0) as moved, coalesce((counts->>'movedBytes')::bigint, 0) as moved_bytes,
           coalesce((counts->>'failed')::bigint, 0) as failed
      from lifecycle_runs where kind = 'archive' and status = 'succeeded' order by finished_at desc limit 1`)) as unknown as Record<string, unknown>[];
  const [running] = (await db.execute(sql`select count(*)::int as n from lifecycle_runs where kind = 'archive' and status in ('queued', 'running')`)) as unknown as { n: number }[];
  const rows = (await db.execute(sql`
    select status::text as status, count(*)::int as n, coalesce(sum(estimated_cost), 0)::float8 as cost, coalesce(sum(bytes), 0)::bigint as bytes
      from retrievals where status in ('pending', 'ready') or created_at >= date_trunc('month', now() at time zone 'utc') at time zone 'utc'
     group by status`)) as unknown as { status: string; n: number; cost: number; bytes: string | number }[];
  const retrievals: Reading["archive"]["retrievals"] = {};
  for (const r of rows) retrievals[r.status] = { count: Number(r.n), cost: Number(r.cost), bytes: Number(r.bytes) };
  return {
    archive: {
      lastSuccess: last ? Number(last.finished) : null,
      lastDuration: last ? Number(last.duration) : null,
      lastMoved: last ? Number(last.moved) : 0,
      lastMovedBytes: last ? Number(last.moved_bytes) : 0,
      lastFailed: last ? Number(last.failed) : 0,
      runningRuns: running?.n ?? 0,
      retrievals,
    },
    cdn: await readCdnStats(),
  };
}

function reading(): Promise<Reading | null> {
  if (!state.reading || Date.now() - state.at > FEATURE_MAX_AGE_MS) {
    state.at = Date.now();
    state.reading = read().catch((err) => {
      logger.warn({ err }, "metrics: reading the archive and CDN figures failed");
      state.at = 0;
      return null;
    });
  }
  return state.reading;
}

function collector<L extends string>(fill: (r: Reading, g: import("prom-client").Gauge<L>) => void) {
  return async (g: import("prom-client").Gauge<L>) => {
    const r = await reading();
    if (r) fill(r, g);
  };
}

gauge("framevault_archive_last_success_timestamp_seconds", "When the last archive run that succeeded finished (0: none yet).", [], collector((r, g) => g.set(r.archive.lastSuccess ?? 0)));
gauge("framevault_archive_last_duration_seconds", "How long the last successful archive run took.", [], collector((r, g) => g.set(r.archive.lastDuration ?? 0)));
gauge("framevault_archive_last_moved_files", "Files the last successful archive run moved to a cold class.", [], collector((r, g) => g.set(r.archive.lastMoved)));
gauge("framevault_archive_last_moved_bytes", "Bytes the last successful archive run moved to a cold class.", [], collector((r, g) => g.set(r.archive.lastMovedBytes)));
gauge("framevault_archive_last_failed_files", "Files the last archive run could not move.", [], collector((r, g) => g.set(r.archive.lastFailed)));
gauge("framevault_archive_runs_active", "Archive runs queued or running.", [], collector((r, g) => g.set(r.archive.runningRuns)));
const RETRIEVAL_STATUSES = ["pending", "ready", "expired", "failed"] as const;
gauge("framevault_retrievals", "Retrievals: pending and ready now, expired and failed this month (UTC).", ["status"], collector((r, g) => {
  for (const s of RETRIEVAL_STATUSES) g.set({ status: s }, r.archive.retrievals[s]?.count ?? 0);
}));
gauge("framevault_retrieval_cost_dollars", "Estimated cost of retrievals: pending and ready now, expired and failed this month (UTC).", ["status"], collector((r, g) => {
  for (const s of RETRIEVAL_STATUSES) g.set({ status: s }, r.archive.retrievals[s]?.cost ?? 0);
}));
gauge("framevault_cdn_edge_urls_issued", "Signed edge URLs handed out by this process since it started, by kind.", ["kind"], collector((r, g) => {
  g.set({ kind: "original" }, r.cdn.edgeUrlsIssued.original);
  g.set({ kind: "variant" }, r.cdn.edgeUrlsIssued.variant);
}));
gauge("framevault_cdn_invalidation_paths_month", "Billed invalidation paths this month (UTC; a wildcard is one).", [], collector((r, g) => g.set(r.cdn.month.paths)));
gauge("framevault_cdn_invalidations_month", "Invalidation requests this month (UTC), not failed.", [], collector((r, g) => g.set(r.cdn.month.invalidations)));
gauge("framevault_cdn_invalidation_cost_dollars_month", "Estimated invalidation cost this month (UTC).", [], collector((r, g) => g.set(r.cdn.month.costUsd)));
gauge("framevault_cdn_edge_responses", "Responses of the nginx edge by cache status, from its cache-status log (where the app can read it).", ["cache_status"], collector((r, g) => {
  for (const [status, n] of Object.entries(r.cdn.edgeCache.byStatus)) if (/^[A-Z]+$/.test(status)) g.set({ cache_status: status }, n);
}));
gauge("framevault_cdn_edge_hit_ratio", "HIT / all edge responses (nginx), -1 when the provider does not report it.", [], collector((r, g) => g.set(r.cdn.edgeCache.hitRatio ?? -1)));
