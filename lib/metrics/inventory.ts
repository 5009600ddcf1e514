import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { logger } from "@/lib/log";
import { gauge } from "./registry";

// Figures read from Postgres: what is stored (files and bytes by status, tier, category and camera), the
// queues of background work, and the audit chain. A few GROUP BY queries, run at most once a minute per
// process and in the background: a scrape is answered from the last snapshot and never waits for (or
// repeats) a scan, except the very first one after start, which has nothing to show yet.

export const INVENTORY_MAX_AGE_MS = 60_000;
/** Categories and cameras beyond this many (by bytes) are summed under "other", so label values stay few. */
const TOP_N = 20;

// On globalThis, like the registry: one snapshot schedule per process, however often this module is loaded.
const state = ((globalThis as unknown as { framevaultInventory?: { takenAt: number; running: Promise<void> | null } }).framevaultInventory ??= {
  takenAt: 0,
  running: null,
});

const files = gauge("framevault_files", "Files, by status (`trashed` for files in the trash) and storage tier.", ["status", "tier"]);
const fileBytes = gauge("framevault_file_bytes", "Bytes of the files' current versions, by status and storage tier.", ["status", "tier"]);
const categoryFiles = gauge("framevault_category_files", `Live files by category (the ${TOP_N} largest, then "other").`, ["category"]);
const categoryBytes = gauge("framevault_category_bytes", `Bytes of live files by category (the ${TOP_N} largest, then "other").`, ["category"]);
const cameraFiles = gauge("framevault_camera_files", `Live files by camera (the ${TOP_N} largest, then "other"; "none" without a camera).`, ["camera"]);
const cameraBytes = gauge("framevault_camera_bytes", `Bytes of live files by camera (the ${TOP_N} largest, then "other"; "none" without a camera).`, ["camera"]);
const queueDepth = gauge("framevault_queue_depth", "Work waiting, by queue: processing (jobs queued or running), object_deletions, upload_sessions (pending).", ["queue"]);
const queueOldest = gauge("framevault_queue_oldest_seconds", "Age of the oldest waiting item, by queue (0 when empty).", ["queue"]);
const chainLength = gauge("framevault_audit_chain_length", "Links in the audit hash chain (events sealed).");
const auditEvents = gauge("framevault_audit_events", "Audit events written (the highest event id).");
const snapshotAge = gauge("framevault_inventory_age_seconds", "Age of the Postgres snapshot the framevault_files…audit figures come from.", [], (g) => {
  g.set(state.takenAt ? (Date.now() - state.takenAt) / 1000 : 0);
});
const snapshotDuration = gauge("framevault_inventory_refresh_seconds", "How long the last Postgres snapshot took.");


type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);

async function takeSnapshot(): Promise<void> {
  const db = getDb();
  const started = performance.now();
  const topN = (column: "category" | "coalesce(camera_id, '')") => sql`
    with g as (select ${sql.raw(column)} as name, count(*) as n, coalesce(sum(size), 0) as b from files where deleted_at is null group by 1),
    r as (select *, row_number() over (order by b desc, n desc, name) as rn from g)
    select case when name = '' then 'none' when rn <= ${TOP_N} then name else 'other' end as label, sum(n) as n, sum(b) as b from r group by 1`;
  const [byStatus, byCategory, byCamera, queues, audit] = await Promise.all([
    db.execute<Row>(sql`
      select case when deleted_at is null then status::text else 'trashed' end as status, storage_tier::text as tier, count(*) as n, coalesce(sum(size), 0) as b
      from files group by 1, 2`),
    db.execute<Row>(topN("category")),
    db.execute<Row>(topN("coalesce(camera_id, '')")),
    db.execute<Row>(sql`
      select 'processing' as queue, count(*) as n, coalesce(extract(epoch from now() - min(queued_at)), 0) as oldest
        from processing_jobs where status in ('queued', 'running')
      union all
      select 'object_deletions', count(*), coalesce(extract(epoch from now() - min(requested_at)), 0) from object_deletions
      union all
      select 'upload_sessions', count(*), coalesce(extract(epoch from now() - min(created_at)), 0) from upload_sessions where status = 'pending'`),
    db.execute<Row>(sql`select (select coalesce(max(seq), 0) from audit_chain) as chain, (select coalesce(max(id), 0) from audit_events) as events`),
  ]);
  for (const g of [files, fileBytes, categoryFiles, categoryBytes, cameraFiles, cameraBytes]) g.reset();
  for (const r of byStatus) {
    const labels = { status: String(r.status), tier: String(r.tier) };
    files.set(labels, num(r.n));
    fileBytes.set(labels, num(r.b));
  }
  for (const r of byCategory) {
    categoryFiles.set({ category: String(r.label) }, num(r.n));
    categoryBytes.set({ category: String(r.label) }, num(r.b));
  }
  for (const r of byCamera) {
    cameraFiles.set({ camera: String(r.label) }, num(r.n));
    cameraBytes.set({ camera: String(r.label) }, num(r.b));
  }
  for (const r of queues) {
    queueDepth.set({ queue: String(r.queue) }, num(r.n));
    queueOldest.set({ queue: String(r.queue) }, num(r.oldest));
  }
  chainLength.set(num(audit[0]?.chain));
  auditEvents.set(num(audit[0]?.events));
  snapshotDuration.set((performance.now() - started) / 1000);
  state.takenAt = Date.now();
}

/**
 * Starts a snapshot when the last is older than INVENTORY_MAX_AGE_MS (one at a time). Waits for it only
 * when there has never been one; a failed snapshot keeps the previous figures and is logged.
 */
export async function refreshInventoryIfStale(): Promise<void> {
  if (Date.now() - state.takenAt < INVENTORY_MAX_AGE_MS) return;
  state.running ??= takeSnapshot()
    .catch((err) => logger.warn({ err }, "metrics: the Postgres snapshot failed; serving the previous figures"))
    .finally(() => (state.running = null));
  if (state.takenAt === 0) await state.running;
}
