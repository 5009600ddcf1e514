import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { inngest } from "@/inngest/client";
import { storageSnapshotRequested } from "@/inngest/events";
import type { ServiceContext } from "@/lib/auth/actor";

/**
 * Today's (UTC) storage of live files by tier, by camera ("" for none) and in total, replacing any earlier
 * snapshot of the same day: a re-run (retry, on demand) leaves one set of rows.
 */
export async function takeStorageSnapshot(): Promise<{ day: string; rows: number }> {
  return getDb().transaction(async (tx) => {
    const [{ day }] = await tx.execute<{ day: string }>(sql`select (now() at time zone 'utc')::date::text as day`);
    await tx.execute(sql`delete from storage_snapshots where day = ${day}::date`);
    const rows = await tx.execute(sql`
      insert into storage_snapshots (day, dimension, value, files, bytes)
      select ${day}::date, 'tier', storage_tier::text, count(*), coalesce(sum(size), 0) from files where deleted_at is null group by storage_tier
      union all
      select ${day}::date, 'camera', coalesce(camera_id, ''), count(*), coalesce(sum(size), 0) from files where deleted_at is null group by camera_id
      union all
      select ${day}::date, 'total', '', count(*), coalesce(sum(size), 0) from files where deleted_at is null
      returning 1`);
    return { day, rows: rows.length };
  });
}

/** Asks the `storage-snapshot` workflow for today's snapshot now. */
export async function requestStorageSnapshot(_ctx: ServiceContext) {
  const { ids } = await inngest.send(storageSnapshotRequested.create({}));
  return { requested: true, eventId: ids[0] ?? null };
}
