import "server-only";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { and, eq, inArray, isNull, ne } from "drizzle-orm";
import { getDb } from "@/db/client";
import { backupSets } from "@/db/schema";
import { env } from "@/lib/env";
import { setPrefix } from "./format";
import { readManifests } from "./manifests";
import { selectRetention } from "./retention-select";
import { backupStores, deleteAllVersions, type BackupStore } from "./store";

export interface RetentionResult {
  kept: string[];
  expired: string[];
  /** Prefixes of failed sets removed (a failed set is not a backup). */
  cleanedFailed: number;
  contentDeleted: number;
}

/**
 * B2, run at the end of each backup (under its lock, so no other run copies meanwhile): expired sets' prefixes
 * are deleted and their rows marked `expired`; failed sets' leftovers are removed; then every `content/` object
 * that no kept manifest references goes. The deletes bypass the GOVERNANCE retention deliberately (the header
 * `x-amz-bypass-governance-retention`): retention is the one place allowed to shorten a set's life.
 */
export async function applyRetention(): Promise<RetentionResult> {
  const e = env();
  const db = getDb();
  const completed = await db.select().from(backupSets).where(eq(backupSets.status, "completed"));
  const { keep, expire } = selectRetention(completed, { full: e.BACKUP_KEEP_FULL, incremental: e.BACKUP_KEEP_INCREMENTAL });
  const failed = await db
    .select({ id: backupSets.id })
    .from(backupSets)
    .where(and(eq(backupSets.status, "failed"), isNull(backupSets.expiredAt)));
  let contentDeleted = 0;
  for (const store of backupStores()) {
    for (const id of [...expire, ...failed.map((f) => f.id)]) await deleteAllVersions(store, setPrefix(id));
    const manifests = await readManifests(store, keep);
    // A kept set without its manifest in this store cannot be trusted to list its content: keep all content.
    if (manifests.length !== keep.length) continue;
    const referenced = new Set(manifests.flatMap((m) => m.objects.map((o) => o.location)));
    contentDeleted += await deleteUnreferencedContent(store, referenced);
  }
  const now = new Date();
  if (expire.length > 0) await db.update(backupSets).set({ status: "expired", expiredAt: now }).where(inArray(backupSets.id, expire));
  if (failed.length > 0) {
    await db
      .update(backupSets)
      .set({ expiredAt: now })
      .where(and(inArray(backupSets.id, failed.map((f) => f.id)), ne(backupSets.status, "completed")));
  }
  return { kept: keep, expired: expire, cleanedFailed: failed.length, contentDeleted };
}

async function deleteUnreferencedContent(store: BackupStore, referenced: Set<string>): Promise<number> {
  const unreferenced: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: "content/", ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key && !referenced.has(o.Key)) unreferenced.push(o.Key);
    token = page.NextContinuationToken;
  } while (token);
  let deleted = 0;
  for (const key of unreferenced) deleted += await deleteAllVersions(store, key, (k) => k !== key);
  return deleted > 0 ? unreferenced.length : 0;
}
