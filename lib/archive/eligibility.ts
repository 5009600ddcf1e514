import "server-only";
import { and, asc, eq, inArray, ne, sql, type SQL } from "drizzle-orm";
import type { Database, Tx } from "@/db/client";
import { archivePolicies, fileVersions, type ArchiveClass, type ArchivePolicy } from "@/db/schema";
import { decideArchive, type ArchivePolicyLike, type DecisionOptions } from "@/lib/lifecycle/fate";
import { loadFileFacts } from "@/lib/lifecycle/facts";

export interface ArchiveCandidate {
  id: string;
  storageTier: "standard" | "infrequent" | "archive" | "deep_archive";
  size: number;
  ruleId: string;
  destination: ArchiveClass;
}

/** The saved rules in their order (position, then id): the order is the tie-break among equally cold destinations. */
export async function loadArchivePolicies(db: Database | Tx): Promise<ArchivePolicy[]> {
  return db.select().from(archivePolicies).orderBy(asc(archivePolicies.position), asc(archivePolicies.id));
}

/**
 * A superset of the files some enabled policy could match at `asOf`, as SQL: live, ready, unheld, not yet in
 * the coldest class, and past the smallest age, unread time or size any policy asks for. It only narrows the
 * scan; decideArchive decides.
 */
export function archivePrefilter(policies: readonly ArchivePolicyLike[], asOf: Date): SQL | null {
  const enabled = policies.filter((p) => p.enabled);
  if (enabled.length === 0) return null;
  const least = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.min(...v) : null;
  };
  const age = least(enabled.map((p) => p.minAgeDays));
  const unread = least(enabled.map((p) => p.minUnreadDays));
  const size = least(enabled.map((p) => p.minSizeBytes));
  const at = asOf.toISOString();
  const any = [
    age !== null ? sql`f.created_at <= ${at}::timestamptz - make_interval(days => ${age})` : null,
    unread !== null ? sql`coalesce(f.last_accessed_at, f.created_at) <= ${at}::timestamptz - make_interval(days => ${unread})` : null,
    size !== null ? sql`f.size >= ${size}` : null,
  ].filter((c): c is SQL => c !== null);
  return sql`f.deleted_at is null and f.status = 'ready' and not f.legal_hold and f.storage_tier <> 'deep_archive' and (${sql.join(any, sql` or `)})`;
}

/**
 * The archive run's batch: the next files (by id after `after`) the prefilter lets through, each judged by
 * decideArchive at `asOf` (the same decision the simulator makes). `after` is the last file looked at.
 */
export async function judgeArchiveBatch(db: Database | Tx, input: { asOf: Date; after: string | null; limit: number; policies: readonly ArchivePolicy[]; provider: DecisionOptions["provider"] }) {
  const where = archivePrefilter(input.policies, input.asOf);
  if (!where) return { examined: 0, last: input.after, decisions: [] };
  const facts = await loadFileFacts(db, { where, after: input.after, limit: input.limit, retrievalEnd: "status" });
  return {
    examined: facts.length,
    last: facts.at(-1)?.id ?? input.after,
    decisions: facts.map((file) => ({ file, decision: decideArchive(file, input.policies, input.asOf, { provider: input.provider }) })),
  };
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
