import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { storageTierEnum } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { monthlyCost, storagePrices } from "./prices";
import { storageHistory } from "./history";

const CAMERA_ROWS = 50;
const n = (v: unknown) => Number(v ?? 0);

/**
 * The admin dashboard's figures, each from what the app records: files and tiers from `files` (live rows),
 * uploads from `file_versions` (every uploaded version; restores, which store nothing, left out), downloads
 * from the `file.download` audit rows (a player's ranges are one row), processing from `processing_jobs`,
 * errors from failed jobs (by step), failed or denied audit rows (by action) and failed webhook deliveries,
 * history from `storage_snapshots` plus today's live figures, the last backup from `backup_sets`.
 */
export async function getOperationsOverview(_ctx: ServiceContext) {
  const db = getDb();
  const prices = storagePrices();
  const [tiers, cameraRows, totals, today, jobs, activity, durations, errors, alertCounts, history, backups] = await Promise.all([
    db.execute<{ tier: string; files: string; bytes: string }>(sql`
      select storage_tier::text as tier, count(*) as files, coalesce(sum(size), 0) as bytes from files where deleted_at is null group by storage_tier`),
    db.execute<{ camera_id: string | null; tier: string; files: string; bytes: string }>(sql`
      select camera_id, storage_tier::text as tier, count(*) as files, coalesce(sum(size), 0) as bytes
      from files where deleted_at is null group by camera_id, storage_tier`),
    db.execute<{ trash_files: string; trash_bytes: string; stored_bytes: string }>(sql`
      select (select count(*) from files where deleted_at is not null) as trash_files,
             (select coalesce(sum(size), 0) from files where deleted_at is not null) as trash_bytes,
             (select coalesce(sum(bytes_stored), 0) from owner_usage) as stored_bytes`),
    db.execute<{ uploads: string; upload_bytes: string; downloads: string }>(sql`
      select (select count(*) from file_versions where created_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc' and restored_from is null) as uploads,
             (select coalesce(sum(size), 0) from file_versions where created_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc' and restored_from is null) as upload_bytes,
             (select count(*) from audit_events where action = 'file.download' and outcome = 'success'
                and occurred_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc') as downloads`),
    db.execute<{ status: string; n: string; recent: string }>(sql`
      select status::text, count(*) as n, count(*) filter (where coalesce(finished_at, updated_at) >= now() - interval '24 hours') as recent
      from processing_jobs group by status`),
    db.execute<{ hour: string; uploads: string; downloads: string }>(sql`
      with hours as (select generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()), interval '1 hour') as hour)
      select to_char(h.hour at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as hour,
        (select count(*) from file_versions v where v.created_at >= h.hour and v.created_at < h.hour + interval '1 hour' and v.restored_from is null) as uploads,
        (select count(*) from audit_events a where a.action = 'file.download' and a.outcome = 'success' and a.occurred_at >= h.hour and a.occurred_at < h.hour + interval '1 hour') as downloads
      from hours h order by h.hour`),
    db.execute<{ hour: string; jobs: string; p50: number | null; p90: number | null; p99: number | null }>(sql`
      select to_char(date_trunc('hour', finished_at at time zone 'utc'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as hour, count(*) as jobs,
        percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at)) as p50,
        percentile_cont(0.9) within group (order by extract(epoch from finished_at - started_at)) as p90,
        percentile_cont(0.99) within group (order by extract(epoch from finished_at - started_at)) as p99
      from processing_jobs
      where status = 'succeeded' and started_at is not null and finished_at >= date_trunc('hour', now()) - interval '23 hours'
      group by 1 order by 1`),
    db.execute<{ source: string; name: string; n: string }>(sql`
      select 'processing' as source, coalesce(step, 'unknown') as name, count(*) as n from processing_jobs
        where status = 'failed' and finished_at >= now() - interval '7 days' group by step
      union all
      select 'audit', action, count(*) from audit_events where outcome <> 'success' and occurred_at >= now() - interval '7 days' group by action
      union all
      select 'webhooks', event, count(*) from webhook_deliveries where status = 'failed' and created_at >= now() - interval '7 days' group by event
      order by 3 desc limit 12`),
    db.execute<{ status: string; n: string }>(sql`select status::text, count(*) as n from alerts where status <> 'resolved' group by status`),
    storageHistory(),
    // The newest set that ended, well or not (backup_sets_started_idx; a failed run may have no finish time).
    db.execute<{ finished_at: string; status: string; bytes: string }>(sql`
      select coalesce(finished_at, started_at) as finished_at, status::text, bytes_total + database_bytes as bytes
      from backup_sets where status in ('completed', 'failed') order by started_at desc limit 1`),
  ]);

  const byTier = [...new Set([...storageTierEnum.enumValues, ...tiers.map((t) => t.tier)])].map((tier) => {
    const row = tiers.find((t) => t.tier === tier);
    const bytes = n(row?.bytes);
    return { tier, files: n(row?.files), bytes, pricePerGbMonth: prices[tier] ?? prices.standard, monthlyCost: monthlyCost({ [tier]: bytes }, prices) };
  });

  const cameras = new Map<string | null, { cameraId: string | null; files: number; bytes: number; bytesByTier: Record<string, number> }>();
  for (const r of cameraRows) {
    const c = cameras.get(r.camera_id) ?? { cameraId: r.camera_id, files: 0, bytes: 0, bytesByTier: {} };
    c.files += n(r.files);
    c.bytes += n(r.bytes);
    c.bytesByTier[r.tier] = (c.bytesByTier[r.tier] ?? 0) + n(r.bytes);
    cameras.set(r.camera_id, c);
  }
  const jobBy = Object.fromEntries(jobs.map((j) => [j.status, { n: n(j.n), recent: n(j.recent) }]));
  const alertBy = Object.fromEntries(alertCounts.map((a) => [a.status, n(a.n)]));
  const [t] = totals;
  const [d] = today;
  return {
    generatedAt: new Date().toISOString(),
    totals: {
      files: byTier.reduce((s, x) => s + x.files, 0),
      bytes: byTier.reduce((s, x) => s + x.bytes, 0),
      trashFiles: n(t?.trash_files),
      trashBytes: n(t?.trash_bytes),
      storedBytes: n(t?.stored_bytes),
      monthlyCost: monthlyCost(Object.fromEntries(byTier.map((x) => [x.tier, x.bytes])), prices),
    },
    byTier,
    today: { uploads: n(d?.uploads), uploadBytes: n(d?.upload_bytes), downloads: n(d?.downloads) },
    jobs: {
      failed: jobBy.failed?.n ?? 0,
      failedLast24h: jobBy.failed?.recent ?? 0,
      queued: jobBy.queued?.n ?? 0,
      running: jobBy.running?.n ?? 0,
    },
    /** The newest completed or failed backup set: when it ended, and the bytes it holds (objects and database dump); null before the first. */
    lastBackup: backups[0] ? { finishedAt: new Date(backups[0].finished_at).toISOString(), status: backups[0].status, bytes: n(backups[0].bytes) } : null,
    alerts: { open: alertBy.open ?? 0, acknowledged: alertBy.acknowledged ?? 0 },
    activity: activity.map((a) => ({ hour: a.hour, uploads: n(a.uploads), downloads: n(a.downloads) })),
    processingDurations: durations.map((r) => ({
      hour: r.hour,
      jobs: n(r.jobs),
      p50: round(r.p50), p90: round(r.p90), p99: round(r.p99),
    })),
    errors: errors.map((e) => ({ source: e.source, name: e.name, count: n(e.n) })),
    storageHistory: history,
    cameras: [...cameras.values()]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, CAMERA_ROWS)
      .map((c) => ({ ...c, monthlyCost: monthlyCost(c.bytesByTier, prices) })),
    cameraCount: cameras.size,
    prices: { currency: "USD", perGbMonth: prices },
  };
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(Number(v) * 1000) / 1000;
}

export type OperationsOverview = Awaited<ReturnType<typeof getOperationsOverview>>;
