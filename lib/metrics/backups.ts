import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { backupStatusEnum, backupTypeEnum } from "@/db/schema";
import { logger } from "@/lib/log";
import { gauge } from "./registry";

// Backup figures (issue 10), read at scrape time from backup_sets: a handful of rows a week, so two small
// queries per scrape, shared by every gauge of that scrape (one reading in flight at a time) and never cached
// past it, so a scrape after a run ends shows that run.

interface Reading {
  last: { finished: number; duration: number; objects: number; bytesTotal: number; bytesCopied: number; databaseBytes: number } | null;
  verifiedEpoch: number | null;
  drill: { at: number; duration: number | null; passed: boolean } | null;
  running: number;
  sets: Map<string, number>;
}

const state = ((globalThis as unknown as { framevaultBackupMetrics?: { reading: Promise<Reading | null> | null } }).framevaultBackupMetrics ??= { reading: null });
const num = (v: unknown) => Number(v ?? 0);

async function read(): Promise<Reading> {
  const db = getDb();
  const [figures] = (await db.execute(sql`
    with last as (
      select extract(epoch from finished_at) as finished, extract(epoch from finished_at - started_at) as duration,
             objects, bytes_total, bytes_copied, database_bytes
        from backup_sets where status = 'completed' and finished_at is not null order by finished_at desc limit 1),
    drill as (
      select extract(epoch from drill_at) as at, drill_duration_ms, drill::text as status
        from backup_sets where drill_at is not null and drill in ('passed', 'failed') order by drill_at desc limit 1)
    select (select row_to_json(last) from last) as last, (select row_to_json(drill) from drill) as drill,
           (select extract(epoch from max(epoch_at)) from backup_sets where status = 'completed' and verification = 'passed') as verified_epoch`)) as unknown as {
    last: Record<string, unknown> | null; drill: Record<string, unknown> | null; verified_epoch: string | null;
  }[];
  const counts = (await db.execute(sql`select type::text as type, status::text as status, count(*)::int as n from backup_sets group by 1, 2`)) as unknown as {
    type: string; status: string; n: number;
  }[];
  const sets = new Map(counts.map((c) => [`${c.type}/${c.status}`, Number(c.n)]));
  const { last, drill } = figures ?? { last: null, drill: null };
  return {
    last: last && {
      finished: num(last.finished), duration: num(last.duration), objects: num(last.objects),
      bytesTotal: num(last.bytes_total), bytesCopied: num(last.bytes_copied), databaseBytes: num(last.database_bytes),
    },
    verifiedEpoch: figures?.verified_epoch != null ? Number(figures.verified_epoch) : null,
    drill: drill && { at: num(drill.at), duration: drill.drill_duration_ms == null ? null : num(drill.drill_duration_ms) / 1000, passed: drill.status === "passed" },
    running: counts.filter((c) => c.status === "running" || c.status === "verifying").reduce((s, c) => s + Number(c.n), 0),
    sets,
  };
}

function reading(): Promise<Reading | null> {
  state.reading ??= read()
    .catch((err) => {
      logger.warn({ err }, "metrics: reading the backup figures failed");
      return null;
    })
    .finally(() => {
      state.reading = null;
    });
  return state.reading;
}

function collector<L extends string>(fill: (r: Reading, g: import("prom-client").Gauge<L>) => void) {
  return async (g: import("prom-client").Gauge<L>) => {
    const r = await reading();
    if (r) fill(r, g);
  };
}

gauge("framevault_backup_last_success_timestamp_seconds", "When the newest completed (verified) backup set finished (0: none yet).", [], collector((r, g) => g.set(r.last?.finished ?? 0)));
gauge("framevault_backup_last_success_duration_seconds", "How long the newest completed backup run took, verification included.", [], collector((r, g) => g.set(r.last?.duration ?? 0)));
gauge("framevault_backup_last_success_objects", "Objects the newest completed backup set references.", [], collector((r, g) => g.set(r.last?.objects ?? 0)));
gauge("framevault_backup_last_success_bytes", "Bytes of the newest completed backup set: objects referenced (total), objects its run copied (copied), the stored database dump (database).", ["kind"], collector((r, g) => {
  g.set({ kind: "total" }, r.last?.bytesTotal ?? 0);
  g.set({ kind: "copied" }, r.last?.bytesCopied ?? 0);
  g.set({ kind: "database" }, r.last?.databaseBytes ?? 0);
}));
gauge("framevault_backup_last_verified_epoch_timestamp_seconds", "Snapshot time of the newest verified set (the recovery point: RPO = now - this; 0: none yet).", [], collector((r, g) => g.set(r.verifiedEpoch ?? 0)));
gauge("framevault_backup_last_drill_duration_seconds", "How long the last restore drill took (the measured RTO; 0: no drill yet).", [], collector((r, g) => g.set(r.drill?.duration ?? 0)));
gauge("framevault_backup_last_drill_timestamp_seconds", "When the last restore drill ran (0: none yet).", [], collector((r, g) => g.set(r.drill?.at ?? 0)));
gauge("framevault_backup_last_drill_passed", "1 when the last restore drill passed, 0 when it failed or none ran.", [], collector((r, g) => g.set(r.drill?.passed ? 1 : 0)));
gauge("framevault_backup_running", "Backup runs in progress (running or verifying): 0 or 1.", [], collector((r, g) => g.set(r.running)));
gauge("framevault_backup_sets", "Backup sets (runs) by type and status.", ["type", "status"], collector((r, g) => {
  for (const type of backupTypeEnum.enumValues) for (const status of backupStatusEnum.enumValues) g.set({ type, status }, r.sets.get(`${type}/${status}`) ?? 0);
}));
