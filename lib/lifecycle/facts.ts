import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import type { ArchiveClass } from "@/db/schema/lifecycle";
import type { StorageTier } from "@/lib/archive/classes";
import { DAY_MS, type FileFacts } from "./fate";

/**
 * One keyset page (by id, after `after`) of the facts the lifecycle decisions read, for the files `where`
 * selects: the file's own columns, whether its content is shared with another file (only asked of live,
 * unheld files: the only ones a move could take), and its open retrieval. `retrievalEnd` says how a ready
 * retrieval's end is known: "status" (a run: open until its workflow closes it) or "expected" (the simulator:
 * its expiry, or for a pending one its estimate plus its window scaled by `timeScale`).
 */
export async function loadFileFacts(
  db: Database | Tx,
  input: { where: SQL; after: string | null; limit: number; retrievalEnd: "status" | "expected"; timeScale?: number },
): Promise<FileFacts[]> {
  const rows = await db.execute(sql`
    select f.id, f.size, f.status, f.storage_tier, f.created_at, f.last_accessed_at, f.legal_hold, f.camera_id, f.site_id, f.category,
      f.deleted_at, f.purge_after,
      case when f.deleted_at is null and not f.legal_hold then exists (
        select 1 from file_versions v join file_versions o on o.object_key = v.object_key and o.file_id <> v.file_id where v.file_id = f.id
      ) else false end as shared,
      rt.status as rt_status, rt.storage_class as rt_class, rt.estimated_ready_at as rt_ready, rt.expires_at as rt_expires, rt.days as rt_days, rt.bytes as rt_bytes
    from files f
    left join lateral (
      select r.status, r.storage_class, r.estimated_ready_at, r.expires_at, r.days, r.bytes from retrievals r
      where r.file_id = f.id and r.status in ('pending', 'ready') order by r.created_at desc limit 1
    ) rt on true
    where ${input.where} ${input.after ? sql`and f.id > ${input.after}::uuid` : sql``}
    order by f.id
    limit ${input.limit}`);
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return rows.map((r) => {
    let retrieval: FileFacts["retrieval"] = null;
    if (r.rt_status) {
      const pending = r.rt_status === "pending";
      const readyAt = date(r.rt_ready)!;
      const window = Math.max(1, Math.round((Number(r.rt_days) * DAY_MS) / (input.timeScale ?? 1)));
      const endsAt = input.retrievalEnd === "status" ? null : pending ? new Date(readyAt.getTime() + window) : date(r.rt_expires);
      retrieval = { storageClass: r.rt_class as ArchiveClass, pending, readyAt, endsAt, bytes: Number(r.rt_bytes) };
    }
    return {
      id: r.id as string,
      size: Number(r.size),
      status: r.status as string,
      storageTier: r.storage_tier as StorageTier,
      createdAt: new Date(r.created_at as string),
      lastAccessedAt: date(r.last_accessed_at),
      legalHold: r.legal_hold as boolean,
      cameraId: r.camera_id as string | null,
      siteId: r.site_id as string | null,
      category: r.category as string,
      deletedAt: date(r.deleted_at),
      purgeAfter: date(r.purge_after),
      sharedContent: r.shared as boolean,
      retrieval,
    };
  });
}
