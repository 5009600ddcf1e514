import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

const DAYS = 30;
const TOP_CAMERAS = 5;

type Point = { day: string } & Record<string, number | string>;

/**
 * The last 30 days of storage by tier and by camera (the five largest cameras today, the rest as "other"),
 * from the daily snapshots, with today's point computed live so a new installation draws a chart at once.
 */
export async function storageHistory() {
  const rows = await getDb().execute<{ day: string; dimension: string; value: string; bytes: string }>(sql`
    with snap as (
      select day::text as day, dimension, value, bytes from storage_snapshots
      where day > (now() at time zone 'utc')::date - ${DAYS}::int and day < (now() at time zone 'utc')::date
    ), live as (
      select (now() at time zone 'utc')::date::text as day, 'tier' as dimension, storage_tier::text as value, coalesce(sum(size), 0) as bytes
        from files where deleted_at is null group by storage_tier
      union all
      select (now() at time zone 'utc')::date::text, 'camera', coalesce(camera_id, ''), coalesce(sum(size), 0)
        from files where deleted_at is null group by camera_id
    )
    select day, dimension, value, bytes::text from snap where dimension in ('tier', 'camera')
    union all select day, dimension, value, bytes::text from live
    order by day`);
  const days = [...new Set(rows.map((r) => r.day))];
  const today = days.at(-1);
  const topCameras = rows
    .filter((r) => r.dimension === "camera" && r.day === today)
    .sort((a, b) => Number(b.bytes) - Number(a.bytes))
    .slice(0, TOP_CAMERAS)
    .map((r) => r.value);
  const cameraLabel = (v: string) => (topCameras.includes(v) ? v || "(no camera)" : "other");
  const series = (dimension: string, label: (v: string) => string) => {
    const points = new Map<string, Point>(days.map((day) => [day, { day }]));
    const names = new Set<string>();
    for (const r of rows.filter((x) => x.dimension === dimension)) {
      const name = label(r.value);
      names.add(name);
      const p = points.get(r.day)!;
      p[name] = (Number(p[name] ?? 0)) + Number(r.bytes);
    }
    return { names: [...names], points: [...points.values()] };
  };
  return { tiers: series("tier", (v) => v), cameras: series("camera", cameraLabel) };
}
