import "server-only";
import { ListObjectsV2Command, type _Object } from "@aws-sdk/client-s3";
import { and, eq, inArray, isNull, isNotNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { fileVersions, objectDeletions, uploadSessions } from "@/db/schema";
import { headObjectOrNull } from "@/lib/files/stored-object";
import { logger } from "@/lib/log";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { pushCapped, UNTRACKED_PREFIXES, type ObjectKind, type ReconcileCounts } from "./report";

/** Keys per ListObjectsV2 page, one page per workflow step. */
export const RECONCILE_PAGE_SIZE = 1000;

interface RowRef {
  key: string;
  kind: ObjectKind;
  fileId: string | null;
  versionId: string | null;
  size: number;
  missingAt: Date | null;
}

// Every row that names an object: versions (originals or shared blobs), blobs still referenced, variants.
// Blobs at zero references are the blob sweep's to delete, object first, so they are not expected to exist.
const rowRefs = sql`
  select v.object_key as key, 'version' as kind, v.file_id::text as file_id, v.id::text as version_id, v.size, v.object_missing_at as missing_at from file_versions v
  union all select b.object_key, 'blob', null, null, b.size, null from blobs b where b.ref_count > 0
  union all select fv.object_key, 'variant', null, fv.version_id::text, fv.size, null from file_variants fv`;

const toRef = (r: Record<string, unknown>): RowRef => ({
  key: String(r.key), kind: r.kind as ObjectKind, fileId: (r.file_id as string) ?? null, versionId: (r.version_id as string) ?? null,
  size: Number(r.size), missingAt: r.missing_at ? new Date(r.missing_at as string) : null,
});

/** The rows naming any of `keys`. */
async function refsForKeys(keys: string[]): Promise<RowRef[]> {
  if (!keys.length) return [];
  const rows = await getDb().execute(sql`select * from (${rowRefs}) r where r.key in (${sql.join(keys.map((k) => sql`${k}`), sql`, `)})`);
  return (rows as unknown as Record<string, unknown>[]).map(toRef);
}

/** The rows whose key sorts (in the listing's byte order) after `after` and up to `upTo` (null: no bound). */
async function refsInRange(after: string | null, upTo: string | null): Promise<RowRef[]> {
  const lower = after === null ? sql`true` : sql`r.key collate "C" > ${after}`;
  const upper = upTo === null ? sql`true` : sql`r.key collate "C" <= ${upTo}`;
  const rows = await getDb().execute(sql`select * from (${rowRefs}) r where ${lower} and ${upper}`);
  return (rows as unknown as Record<string, unknown>[]).map(toRef);
}

export interface PageInput {
  runId: string;
  asOf: string;
  graceHours: number;
  token: string | null;
  /** The last key of the previous page: rows between it and this page's last key must be on this page. */
  lastKey: string | null;
  totals: ReconcileCounts;
}

/**
 * One page of the bucket listing against the tables. Objects no row names are orphans unless still safe;
 * rows in this page's key range whose object is not listed (and not there on a HeadObject either, so a
 * write racing the listing is not blamed) are missing and their versions marked; sizes are compared.
 * Totals come in and the new totals go out (not added), so a retried step counts once.
 */
export async function reconcilePage(input: PageInput): Promise<{ totals: ReconcileCounts; token: string | null; lastKey: string | null; more: boolean }> {
  const totals: ReconcileCounts = structuredClone(input.totals);
  const page = await s3().internal.send(
    new ListObjectsV2Command({ Bucket: mediaBucket(), MaxKeys: RECONCILE_PAGE_SIZE, ContinuationToken: input.token ?? undefined }),
  );
  const objects = (page.Contents ?? []).filter((o): o is _Object & { Key: string } => !!o.Key);
  const more = !!page.IsTruncated && !!page.NextContinuationToken;
  const pageLast = objects.at(-1)?.Key ?? input.lastKey;
  totals.pages++;
  totals.listedObjects += objects.length;
  totals.listedBytes += objects.reduce((n, o) => n + (o.Size ?? 0), 0);

  const tracked = objects.filter((o) => !UNTRACKED_PREFIXES.some((p) => o.Key.startsWith(p)));
  totals.untracked += objects.length - tracked.length;
  const keys = tracked.map((o) => o.Key);
  const refs = await refsForKeys(keys);
  const byKey = new Map<string, RowRef[]>();
  for (const r of refs) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);

  const unnamed = tracked.filter((o) => !byKey.has(o.Key));
  const db = getDb();
  const inFlight = new Set(
    unnamed.length
      ? (await db.select({ key: uploadSessions.objectKey }).from(uploadSessions)
          .where(and(inArray(uploadSessions.objectKey, unnamed.map((o) => o.Key)), eq(uploadSessions.status, "pending")))).map((r) => r.key)
      : [],
  );
  const queued = new Set(
    unnamed.length
      ? (await db.select({ key: objectDeletions.objectKey }).from(objectDeletions).where(inArray(objectDeletions.objectKey, unnamed.map((o) => o.Key)))).map((r) => r.key)
      : [],
  );
  const graceEdge = new Date(input.asOf).getTime() - input.graceHours * 3_600_000;
  for (const o of unnamed) {
    if (inFlight.has(o.Key)) totals.safe.uploadInFlight++;
    else if (queued.has(o.Key)) totals.safe.queuedForDeletion++;
    else if (!o.LastModified || o.LastModified.getTime() > graceEdge) totals.safe.recent++;
    else {
      totals.orphanCount++;
      totals.orphanBytes += o.Size ?? 0;
      pushCapped(totals.orphanObjects, { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.toISOString() ?? null });
    }
  }

  for (const o of tracked) {
    const seen = new Set<number>();
    for (const r of byKey.get(o.Key) ?? []) {
      if (r.size === o.Size || seen.has(r.size)) continue;
      seen.add(r.size);
      totals.sizeMismatchCount++;
      pushCapped(totals.sizeMismatches, { key: o.Key, kind: r.kind, expectedSize: r.size, actualSize: o.Size ?? 0 });
    }
  }
  // Listed again: versions an earlier run marked missing have their object back.
  if (keys.length) {
    const cleared = await db.update(fileVersions).set({ objectMissingAt: null })
      .where(and(isNotNull(fileVersions.objectMissingAt), inArray(fileVersions.objectKey, keys))).returning({ id: fileVersions.id });
    totals.missingCleared += cleared.length;
  }

  await findMissing(totals, input, new Set(objects.map((o) => o.Key)), more ? pageLast : null);
  return { totals, token: more ? page.NextContinuationToken! : null, lastKey: pageLast, more };
}

/** The keys the last finished reconciliation reported missing (for blobs and variants, which carry no mark). */
async function previouslyMissing(runId: string): Promise<Set<string>> {
  const [row] = (await getDb().execute(sql`
    select counts from lifecycle_runs where kind = 'reconcile' and status = 'succeeded' and id <> ${runId}
    order by finished_at desc limit 1`)) as unknown as { counts: Partial<ReconcileCounts> }[];
  return new Set((row?.counts.missingObjects ?? []).map((m) => m.key));
}

async function findMissing(totals: ReconcileCounts, input: PageInput, listed: Set<string>, upTo: string | null): Promise<void> {
  const byKey = new Map<string, RowRef[]>();
  for (const r of await refsInRange(input.lastKey, upTo)) if (!listed.has(r.key)) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  let earlier: Set<string> | null = null;
  const now = new Date();
  for (const [key, rows] of byKey) {
    if ((await headObjectOrNull(key)) !== null) continue;
    const versions = rows.filter((r) => r.kind === "version");
    let isNew: boolean;
    if (versions.length) {
      isNew = versions.some((v) => v.missingAt === null);
      await getDb().update(fileVersions).set({ objectMissingAt: now })
        .where(and(inArray(fileVersions.id, versions.map((v) => v.versionId!)), isNull(fileVersions.objectMissingAt)));
    } else {
      earlier ??= await previouslyMissing(input.runId);
      isNew = !earlier.has(key);
    }
    const first = versions[0] ?? rows[0];
    totals.missingCount++;
    if (isNew) totals.missingNew++;
    pushCapped(totals.missingObjects, { key, kind: first.kind, fileId: first.fileId, versionId: first.versionId, expectedSize: first.size, new: isNew });
    // No alerts module on this branch: an error-level log line is the alert, and the run's report shows it.
    if (isNew) logger.error({ runId: input.runId, key, kind: first.kind, fileId: first.fileId, versionId: first.versionId }, "reconciliation: stored object is missing");
  }
}
