/**
 * The restore drill (B3): a set restored for real, somewhere that harms nothing, and compared with its
 * manifest. Tables go into a scratch schema: the session's own temporary schema (pg_temp), because the
 * app's role may not create schemas (least privilege) and a temporary schema vanishes with the
 * transaction even when the drill dies. Objects go under a scratch prefix of the backup bucket
 * (`drill/<drillId>/`), removed afterwards. Plain Node: the caller passes the connection and stores.
 */
import { randomBytes } from "node:crypto";
import type postgres from "postgres";
import type { Manifest, ManifestObject } from "../format";
import { ident } from "./database";
import { RESTORE_PARALLEL_COPIES } from "./objects";
import { copyObjectBack, forEachParallel, RestoreError, streamTableDump } from "./read";
import { deletePrefix, type Bucket } from "./source";

export interface DrillResult {
  durationMs: number;
  tables: number;
  rows: number;
  objectsChecked: number;
  bytesChecked: number;
}

/** Up to `sample` objects (0: all), always the same for one set and drill id: the largest and a spread. */
export function drillSample(objects: ManifestObject[], sample: number): ManifestObject[] {
  if (sample <= 0 || objects.length <= sample) return objects;
  const step = objects.length / sample;
  return Array.from({ length: sample }, (_, i) => objects[Math.floor(i * step)]);
}

/**
 * Loads every table of the set into temporary tables (each dump's SHA-256 and length checked as it
 * streams; its row count checked after), and copies the sampled objects to the scratch prefix (each one's
 * SHA-256 and size checked). Throws a RestoreError saying what differs; the scratch prefix is removed
 * whatever happens, and the temporary tables die with the transaction.
 */
export async function drillSet(sql: postgres.Sql, store: Bucket, manifest: Manifest, key: Buffer, opts: { sample: number; drillId?: string }): Promise<DrillResult> {
  const started = Date.now();
  const drillId = opts.drillId ?? `${manifest.setId.slice(0, 8)}-${randomBytes(4).toString("hex")}`;
  const scratch = `drill/${drillId}/`;
  let rows = 0;
  await sql.begin(async (tx) => {
    for (const t of manifest.tables) {
      const name = ident(`drill_${t.name}`);
      await tx.unsafe(`create temp table ${name} (like public.${ident(t.name)}) on commit drop`);
      await streamTableDump(store, t, key, await tx.unsafe(`copy ${name} from stdin`).writable());
      const [{ n }] = await tx.unsafe(`select count(*)::bigint as n from ${name}`);
      if (Number(n) !== t.rows) throw new RestoreError("drill_rows", `table ${t.name}: ${n} rows restored, the manifest says ${t.rows}`);
      rows += t.rows;
    }
  });
  const objects = drillSample(manifest.objects, opts.sample);
  let bytesChecked = 0;
  try {
    await forEachParallel(objects, RESTORE_PARALLEL_COPIES, async (o) => {
      await copyObjectBack(store, o, store, `${scratch}${o.sha256}`);
      bytesChecked += o.size;
    });
  } finally {
    await deletePrefix(store, scratch);
  }
  return { durationMs: Date.now() - started, tables: manifest.tables.length, rows, objectsChecked: objects.length, bytesChecked };
}
