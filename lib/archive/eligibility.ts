import "server-only";
import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import { fileVersions, type ArchiveClass } from "@/db/schema";

export interface ArchiveCandidate {
  id: string;
  storageTier: "standard" | "infrequent" | "archive" | "deep_archive";
  size: number;
  ruleId: string;
  destination: ArchiveClass;
}

/**
 * Live, ready files that an enabled rule sends somewhere colder than they are, in id order after `after`:
 * for each file the matching rule with the coldest destination wins, then the rule listed first.
 * Files under legal hold and files with a retrieval pending or ready are left alone. "Unread" counts from
 * the last access, or from the upload for a file never read.
 */
export async function selectArchiveCandidates(db: Database | Tx, input: { asOf: Date; after: string | null; limit: number }): Promise<ArchiveCandidate[]> {
  const asOf = input.asOf.toISOString();
  const rows = await db.execute(sql`
    select f.id, f.storage_tier, f.size, r.id as rule_id, r.destination
    from files f
    cross join lateral (
      select p.id, p.destination from archive_policies p
      where p.enabled
        and (p.min_age_days is null or f.created_at <= ${asOf}::timestamptz - make_interval(days => p.min_age_days))
        and (p.min_unread_days is null or coalesce(f.last_accessed_at, f.created_at) <= ${asOf}::timestamptz - make_interval(days => p.min_unread_days))
        and (p.min_size_bytes is null or f.size >= p.min_size_bytes)
      order by (p.destination = 'DEEP_ARCHIVE') desc, p.position, p.id
      limit 1
    ) r
    where f.deleted_at is null and f.status = 'ready' and not f.legal_hold
      ${input.after ? sql`and f.id > ${input.after}::uuid` : sql``}
      and (case r.destination when 'DEEP_ARCHIVE' then 2 else 1 end) > (case f.storage_tier when 'deep_archive' then 2 when 'archive' then 1 else 0 end)
      and not exists (select 1 from retrievals rt where rt.file_id = f.id and rt.status in ('pending', 'ready'))
    order by f.id
    limit ${input.limit}`);
  return rows.map((r) => ({
    id: r.id as string,
    storageTier: r.storage_tier as ArchiveCandidate["storageTier"],
    size: Number(r.size),
    ruleId: r.rule_id as string,
    destination: r.destination as ArchiveClass,
  }));
}

/** The distinct objects a file's versions hold (its originals; variants are not listed here and stay hot). */
export async function fileObjectKeys(db: Database | Tx, fileId: string): Promise<string[]> {
  const rows = await db.selectDistinct({ key: fileVersions.objectKey }).from(fileVersions).where(eq(fileVersions.fileId, fileId)).orderBy(asc(fileVersions.objectKey));
  return rows.map((r) => r.key);
}

/** Whether a version of any other file points at one of these objects (deduplicated content). */
export async function sharedWithOtherFiles(db: Database | Tx, fileId: string, keys: string[]): Promise<boolean> {
  if (keys.length === 0) return false;
  const rows = await db
    .select({ fileId: fileVersions.fileId })
    .from(fileVersions)
    .where(and(inArray(fileVersions.objectKey, keys), ne(fileVersions.fileId, fileId)))
    .limit(1);
  return rows.length > 0;
}

/** Whether a file whose content is archived points at this object (dedup must not hand it to a new upload). */
export async function objectIsArchived(db: Database | Tx, key: string): Promise<boolean> {
  const rows = await db.execute(sql`
    select 1 from file_versions v join files f on f.id = v.file_id
    where v.object_key = ${key} and f.storage_tier in ('archive', 'deep_archive') limit 1`);
  return rows.length > 0;
}
