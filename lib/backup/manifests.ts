import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { backupSets, type BackupSet } from "@/db/schema";
import { manifestKey, ManifestSchema, type Manifest } from "./format";
import { putStream, readStream, type BackupStore } from "./store";

/** A set's manifest from a store; null when it has none (the set never finished: not a backup). */
export async function readManifest(store: BackupStore, setId: string): Promise<Manifest | null> {
  let body;
  try {
    body = await readStream(store, manifestKey(setId));
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404) return null;
    throw err;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return ManifestSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
}

/** The commit marker: written last, once every table and object of the set is in the store. */
export async function writeManifest(store: BackupStore, manifest: Manifest, until: Date): Promise<void> {
  await putStream(store, manifestKey(manifest.setId), Buffer.from(JSON.stringify(manifest)), { until, contentType: "application/json" });
}

/** Sets the backup store holds as backups: completed (manifest written and verified), not expired. */
export async function keptSets(): Promise<BackupSet[]> {
  return getDb().select().from(backupSets).where(eq(backupSets.status, "completed")).orderBy(desc(backupSets.startedAt));
}

/** The newest completed full: an incremental's base. */
export async function latestKeptFull(): Promise<BackupSet | null> {
  const [row] = await getDb()
    .select()
    .from(backupSets)
    .where(and(eq(backupSets.status, "completed"), eq(backupSets.type, "full"), eq(backupSets.verification, "passed")))
    .orderBy(desc(backupSets.startedAt))
    .limit(1);
  return row ?? null;
}

/** Manifests of the given sets, read from the store (the store is the truth, not the rows). */
export async function readManifests(store: BackupStore, setIds: string[]): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const id of setIds) {
    const m = await readManifest(store, id);
    if (m) out.push(m);
  }
  return out;
}

export async function setsByIds(ids: string[]): Promise<BackupSet[]> {
  if (ids.length === 0) return [];
  return getDb().select().from(backupSets).where(inArray(backupSets.id, ids));
}
