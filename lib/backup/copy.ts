import "server-only";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CopyObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { backupObjects, backupSets, type BackupObject } from "@/db/schema";
import { env } from "@/lib/env";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { contentKey, hashingStream, type Manifest } from "./format";
import { backupStores, extendRetention, headOrNull, objectLockEnabled, putStream, retainUntil, type BackupStore } from "./store";

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/**
 * What the kept sets' manifests say, applied to the new set's work list: a key an earlier manifest lists with
 * the same size gets its hash from there (keys never change content: originals and variants are per version,
 * blobs per hash), so it is not read again. For an incremental, content a kept set holds is marked done:
 * it is not copied again (B1).
 */
export async function applyKeptManifests(input: { setId: string; type: "full" | "incremental"; manifests: Manifest[] }): Promise<{ known: number; held: number }> {
  const byKey = new Map<string, { sha256: string; size: number }>();
  const holder = new Map<string, string>();
  for (const m of input.manifests) {
    for (const o of m.objects) {
      byKey.set(o.key, { sha256: o.sha256, size: o.size });
      if (!holder.has(o.sha256)) holder.set(o.sha256, o.copiedIn);
    }
  }
  const db = getDb();
  let known = 0;
  let held = 0;
  const BATCH = 1000;
  for (let from = 0; ; from += BATCH) {
    const rows = await db
      .select()
      .from(backupObjects)
      .where(and(eq(backupObjects.setId, input.setId), gte(backupObjects.seq, from), lt(backupObjects.seq, from + BATCH)));
    if (rows.length === 0) return { known, held };
    for (const row of rows) {
      const listed = byKey.get(row.objectKey);
      const sha256 = row.sha256 ?? (listed && listed.size === row.size ? listed.sha256 : null);
      if (!sha256) continue;
      const copiedIn = input.type === "incremental" ? holder.get(sha256) : undefined;
      if (sha256 === row.sha256 && !copiedIn) continue;
      if (!row.sha256) known++;
      if (copiedIn) held++;
      await db
        .update(backupObjects)
        .set({ sha256, ...(copiedIn ? { done: true, copiedIn, bytesCopied: 0 } : {}) })
        .where(and(eq(backupObjects.setId, input.setId), eq(backupObjects.seq, row.seq)));
    }
  }
}

/** Reads an object from the media bucket to learn its SHA-256 (variants carry none in their rows). */
async function hashMediaObject(key: string): Promise<{ sha256: string; size: number }> {
  const res = await s3().internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: key }));
  const h = hashingStream();
  await pipeline(res.Body as Readable, h.stream, async function* (source) {
    for await (const _ of source) void _;
  });
  const { sha256, bytes } = h.digest();
  return { sha256, size: bytes };
}

/** Puts one object's content at content/<sha256> in a store: CopyObject when the store shares the media store's account, streamed otherwise. */
async function copyContent(store: BackupStore, row: { objectKey: string; contentType: string | null }, sha256: string, until: Date): Promise<void> {
  const destination = contentKey(sha256);
  if (store.serverSideCopy) {
    const lock = (await objectLockEnabled(store)) ? { ObjectLockMode: "GOVERNANCE" as const, ObjectLockRetainUntilDate: until } : {};
    await store.client.send(
      new CopyObjectCommand({
        Bucket: store.bucket,
        Key: destination,
        CopySource: `${mediaBucket()}/${row.objectKey.split("/").map(encodeURIComponent).join("/")}`,
        MetadataDirective: "REPLACE",
        ContentType: row.contentType ?? "application/octet-stream",
        ...lock,
      }),
    );
    return;
  }
  const res = await s3().internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: row.objectKey }));
  await putStream(store, destination, res.Body as Readable, { until, contentType: row.contentType ?? undefined });
}

/** Whether a row still names the key now (an object missing since the epoch was then moved or purged, or is really lost). */
async function keyStillNamed(key: string): Promise<boolean> {
  const [row] = await getDb().execute<{ named: boolean }>(sql`
    select exists(select 1 from file_versions where object_key = ${key})
        or exists(select 1 from blobs where object_key = ${key})
        or exists(select 1 from file_variants where object_key = ${key}) as named`);
  return Boolean(row?.named);
}

export interface ChunkResult {
  done: number;
  total: number;
  objectsCopied: number;
  bytesCopied: number;
}

/**
 * One chunk of the set's work list (BACKUP_CHUNK_FILES objects, one workflow step), BACKUP_PARALLEL_COPIES at
 * a time. Content is copied once per store (`content/<sha256>`): an incremental skips what a kept set holds
 * (marked by applyKeptManifests); a full looks in the store itself and copies what is not there, extending the
 * retention of what is. Each object's row records the outcome, so a retried chunk does only what is left.
 */
export async function copyChunk(input: { setId: string; type: "full" | "incremental"; chunk: number }): Promise<ChunkResult> {
  const e = env();
  const db = getDb();
  const from = input.chunk * e.BACKUP_CHUNK_FILES;
  const rows = await db
    .select()
    .from(backupObjects)
    .where(and(eq(backupObjects.setId, input.setId), eq(backupObjects.done, false), gte(backupObjects.seq, from), lt(backupObjects.seq, from + e.BACKUP_CHUNK_FILES)))
    .orderBy(asc(backupObjects.seq));
  const stores = backupStores();
  const until = retainUntil(input.type);
  // Two keys with the same content in one chunk: the second waits for the first's copy instead of repeating it.
  const inFlight = new Map<string, Promise<boolean>>();

  const handle = async (row: BackupObject) => {
    let sha256 = row.sha256;
    let size = row.size;
    try {
      if (!sha256) ({ sha256, size } = await hashMediaObject(row.objectKey));
    } catch (err) {
      if (status(err) === 404 && !(await keyStillNamed(row.objectKey))) {
        await db.update(backupObjects).set({ done: true, gone: true }).where(and(eq(backupObjects.setId, input.setId), eq(backupObjects.seq, row.seq)));
        return;
      }
      throw err;
    }
    const hash = sha256;
    let first = inFlight.get(hash);
    const mine = !first;
    if (!first) {
      first = copyToStores(row, hash, size);
      inFlight.set(hash, first);
    }
    let wrote: boolean;
    try {
      wrote = await first;
    } catch (err) {
      if (status(err) === 404 && !(await keyStillNamed(row.objectKey))) {
        await db.update(backupObjects).set({ done: true, gone: true }).where(and(eq(backupObjects.setId, input.setId), eq(backupObjects.seq, row.seq)));
        return;
      }
      throw new Error(`copying ${row.objectKey} failed: ${(err as Error).message}`);
    }
    await db
      .update(backupObjects)
      .set({ sha256: hash, size, done: true, copiedIn: input.setId, bytesCopied: mine && wrote ? size : 0 })
      .where(and(eq(backupObjects.setId, input.setId), eq(backupObjects.seq, row.seq)));
  };

  /** True when this call wrote the content to the primary store (false: it was already there). */
  const copyToStores = async (row: BackupObject, sha256: string, size: number): Promise<boolean> => {
    // Content this set already copied for another key of an earlier chunk.
    const [already] = await db
      .select({ seq: backupObjects.seq })
      .from(backupObjects)
      .where(and(eq(backupObjects.setId, input.setId), eq(backupObjects.sha256, sha256), eq(backupObjects.done, true), eq(backupObjects.gone, false)))
      .limit(1);
    let wrotePrimary = false;
    for (const store of stores) {
      if (already && store === stores[0]) continue;
      // A run that died may have left this content: it is reused by its hash (verification reads it back).
      const present = await headOrNull(store, contentKey(sha256));
      if (present && present.ContentLength === size) {
        if (input.type === "full") await extendRetention(store, contentKey(sha256), until);
        continue;
      }
      await copyContent(store, row, sha256, until);
      if (store === stores[0]) wrotePrimary = true;
    }
    return wrotePrimary;
  };

  let next = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      try {
        await handle(row);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(e.BACKUP_PARALLEL_COPIES, rows.length) }, worker));
  const result = await recordCopyProgress(input.setId);
  if (failures.length > 0) throw new Error(`${failures.length} object(s) could not be copied: ${failures.slice(0, 3).join("; ")}`);
  return result;
}

/** The set's totals from its work list (recomputed, never added to, so a retried chunk counts once). */
export async function recordCopyProgress(setId: string): Promise<ChunkResult> {
  const db = getDb();
  const [totals] = await db
    .select({
      total: sql<number>`count(*)::int`,
      done: sql<number>`count(*) filter (where ${backupObjects.done})::int`,
      objectsCopied: sql<number>`count(*) filter (where ${backupObjects.bytesCopied} > 0)::int`,
      bytesCopied: sql<number>`coalesce(sum(${backupObjects.bytesCopied}), 0)::float8`,
    })
    .from(backupObjects)
    .where(eq(backupObjects.setId, setId));
  const result = { done: totals.done, total: totals.total, objectsCopied: totals.objectsCopied, bytesCopied: Number(totals.bytesCopied) };
  await db
    .update(backupSets)
    .set({ progress: { phase: "copy", done: result.done, total: result.total }, objectsCopied: result.objectsCopied, bytesCopied: result.bytesCopied })
    .where(eq(backupSets.id, setId));
  return result;
}
