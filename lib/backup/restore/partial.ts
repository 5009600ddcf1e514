import "server-only";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import type postgres from "postgres";
import { getDb, type Tx } from "@/db/client";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { blobSha256FromKey, mediaBucket, s3 } from "@/lib/storage/s3";
import type { Manifest, ManifestObject } from "../format";
import { ident } from "./database";
import { copyObjectBack, forEachParallel, RestoreError, streamTableDump } from "./read";
import { RESTORE_PARALLEL_COPIES } from "./objects";
import type { RestoreFileResult, RestoreResult, RestoreScope } from "./schemas";
import { objectSize, type Bucket } from "./source";

/** The tables a file restore reads from the set: the file, its versions and variants, and the blobs they share. */
const FILE_TABLES = ["files", "file_versions", "file_variants", "blobs"] as const;
const LISTED_FILES = 1000;

/** The raw postgres.js transaction under a drizzle transaction: COPY needs it. */
function rawSql(tx: Tx): postgres.TransactionSql {
  return (tx as unknown as { session: { client: postgres.TransactionSql } }).session.client;
}

function scopeFilter(raw: postgres.TransactionSql, scope: RestoreScope) {
  if (scope === "all") return raw`true`;
  if ("fileIds" in scope) return raw`b.id = any(${scope.fileIds}::uuid[])`;
  if ("cameraId" in scope) return raw`b.camera_id = ${scope.cameraId}`;
  if ("siteId" in scope) return raw`b.site_id = ${scope.siteId}`;
  if ("eventId" in scope) return raw`b.event_id = ${scope.eventId}`;
  return raw`b.captured_at >= ${scope.capturedFrom}::timestamptz and b.captured_at <= ${scope.capturedTo}::timestamptz`;
}

export interface PartialRestoreInput {
  restoreId: string;
  store: Bucket;
  manifest: Manifest;
  key: Buffer;
  scope: RestoreScope;
  dryRun: boolean;
  overwriteNewer: boolean;
  onProgress?: (phase: string, done: number, total: number) => Promise<void>;
}

interface Planned extends RestoreFileResult {
  objectKeys: string[];
  missingObjects: ManifestObject[];
}

/**
 * Restores files (or plans it, for a dry run) from a set into the live database and media bucket:
 * the set's files, file_versions, file_variants and blobs are loaded into temporary tables of one
 * transaction; each file in scope is compared with the live one (owner present? purged? changed after the
 * epoch?); then its missing objects are copied back, verified, BEFORE its rows are re-inserted, all rows
 * and the `backup.restore` audit rows in that same transaction. A file changed after the epoch is only
 * listed (newer: true) unless overwriteNewer; the rows it has beyond the set (later versions) stay.
 */
export async function restoreFiles(ctx: ServiceContext, input: PartialRestoreInput): Promise<RestoreResult> {
  const progress = input.onProgress ?? (async () => {});
  const byKey = new Map(input.manifest.objects.map((o) => [o.key, o]));
  return getDb().transaction(async (tx) => {
    const raw = rawSql(tx);
    await progress("load", 0, FILE_TABLES.length);
    for (const [i, name] of FILE_TABLES.entries()) {
      const dump = input.manifest.tables.find((t) => t.name === name);
      if (!dump) throw new RestoreError("dump_missing", `set ${input.manifest.setId} has no dump of ${name}`);
      await raw.unsafe(`create temp table ${ident(`bk_${name}`)} (like public.${ident(name)}) on commit drop`);
      await streamTableDump(input.store, dump, input.key, await raw.unsafe(`copy ${ident(`bk_${name}`)} from stdin`).writable());
      await progress("load", i + 1, FILE_TABLES.length);
    }
    const epoch = input.manifest.epoch;
    const rows = await raw<{ id: string; filename: string; owner_id: string; owner_exists: boolean; live: boolean; newer: boolean; versions: number; variants: number; missing_versions: number; missing_variants: number; keys: string[] }[]>`
      select b.id, b.filename, b.owner_id,
             exists (select 1 from users u where u.id = b.owner_id) as owner_exists,
             f.id is not null as live,
             coalesce(f.updated_at > ${epoch}::timestamptz
               or exists (select 1 from file_versions lv where lv.file_id = f.id and lv.created_at > ${epoch}::timestamptz), false) as newer,
             (select count(*)::int from bk_file_versions v where v.file_id = b.id) as versions,
             (select count(*)::int from bk_file_variants x join bk_file_versions v on v.id = x.version_id where v.file_id = b.id) as variants,
             (select count(*)::int from bk_file_versions v where v.file_id = b.id and not exists (select 1 from file_versions lv where lv.id = v.id)) as missing_versions,
             (select count(*)::int from bk_file_variants x join bk_file_versions v on v.id = x.version_id where v.file_id = b.id
                and not exists (select 1 from file_variants lx where lx.version_id = x.version_id and lx.name = x.name)) as missing_variants,
             array(select v.object_key from bk_file_versions v where v.file_id = b.id
                   union select x.object_key from bk_file_variants x join bk_file_versions v on v.id = x.version_id where v.file_id = b.id) as keys
        from bk_files b left join files f on f.id = b.id
       where ${scopeFilter(raw, input.scope)}
       order by b.created_at, b.id`;
    await progress("plan", 0, rows.length);

    const planned: Planned[] = [];
    for (const [i, r] of rows.entries()) {
      const objects = r.keys.map((k) => byKey.get(k)).filter((o): o is ManifestObject => Boolean(o));
      const missingObjects: ManifestObject[] = [];
      for (const o of objects) if ((await objectSize(media(), o.key)) !== o.size) missingObjects.push(o);
      const base = { fileId: r.id, name: r.filename, ownerId: r.owner_id, versions: r.versions, variants: r.variants, objects: objects.length, bytes: objects.reduce((n, o) => n + o.size, 0), objectKeys: r.keys, missingObjects };
      const skip = (reason: string, extra: Partial<RestoreFileResult> = {}): Planned => ({ ...base, action: "skip", reason, ...extra });
      const restore = (reason: string, extra: Partial<RestoreFileResult> = {}): Planned => ({ ...base, action: "restore", reason, ...extra });
      if (!r.owner_exists) planned.push(skip("owner_missing"));
      else if (!r.live) planned.push(restore("purged"));
      else if (r.newer) planned.push(input.overwriteNewer ? restore("overwrite_newer", { newer: true }) : skip("newer", { newer: true }));
      else if (r.missing_versions + r.missing_variants + missingObjects.length > 0) planned.push(restore("incomplete"));
      else planned.push(skip("unchanged"));
      if ((i + 1) % 100 === 0) await progress("plan", i + 1, rows.length);
    }
    const toRestore = planned.filter((p) => p.action === "restore");
    const result = summarise(planned);
    if (input.dryRun) return result;

    // Queued deletions of these keys are cancelled and the blobs locked before anything is checked, so
    // neither the deletion drain nor the blob sweep removes what the restored rows are about to point at.
    const keys = [...new Set(toRestore.flatMap((p) => p.objectKeys))];
    const shas = [...new Set(keys.map(blobSha256FromKey).filter((s): s is string => Boolean(s)))].sort();
    if (keys.length) await raw`delete from object_deletions where object_key = any(${keys}::text[])`;
    if (shas.length) await raw`select sha256 from blobs where sha256 = any(${shas}::text[]) order by sha256 for update`;

    const copies = [...new Map(toRestore.flatMap((p) => p.missingObjects).map((o) => [o.key, o])).values()];
    let copied = 0;
    await progress("objects", 0, copies.length);
    await forEachParallel(copies, RESTORE_PARALLEL_COPIES, async (o) => {
      // Checked again now that deletions are held off: only an absent object is written.
      const size = await objectSize(media(), o.key);
      if (size === o.size) return;
      if (size !== null) throw new RestoreError("object_conflict", `${o.key} is in the media bucket with ${size} bytes, the set has ${o.size}: not overwritten`);
      await copyObjectBack(input.store, o, media(), o.key, removeMedia);
      copied += 1;
      await progress("objects", copied, copies.length);
    });
    result.totals.objectsCopied = copied;

    await progress("rows", 0, toRestore.length);
    const ids = toRestore.map((p) => p.fileId);
    if (ids.length) await insertRows(raw, ids, toRestore.filter((p) => p.reason !== "incomplete").map((p) => p.fileId));
    const audit = { ...ctx, tx };
    await recordAuditEvent(audit, {
      action: "backup.restore",
      details: { restoreId: input.restoreId, setId: input.manifest.setId, epoch, scope: input.scope, overwriteNewer: input.overwriteNewer, totals: result.totals },
    });
    for (const p of toRestore) {
      await recordAuditEvent(audit, {
        action: "backup.restore",
        fileId: p.fileId,
        details: { restoreId: input.restoreId, setId: input.manifest.setId, epoch, filename: p.name, ownerId: p.ownerId, reason: p.reason, versions: p.versions, variants: p.variants, bytes: p.bytes, ...(p.newer ? { newer: true } : {}) },
      });
    }
    await progress("rows", toRestore.length, toRestore.length);
    return result;
  });
}

function media(): Bucket {
  return { client: s3().internal, bucket: mediaBucket(), prefix: "" };
}

async function removeMedia(key: string): Promise<void> {
  await s3().internal.send(new DeleteObjectCommand({ Bucket: mediaBucket(), Key: key }));
}

/**
 * The set's rows of `ids` into the live tables: a file absent is inserted, a present one takes the set's
 * values; those in `untrash` (purged or overwritten: wanted back) come out of the trash, a file only made
 * complete again keeps its trash state. Versions and variants the live
 * database lacks are inserted (owner_usage's triggers count them again); blobs get a reference per
 * version inserted.
 */
async function insertRows(raw: postgres.TransactionSql, ids: string[], untrash: string[]): Promise<void> {
  const columns = (await raw<{ name: string }[]>`select column_name as name from information_schema.columns where table_schema = 'public' and table_name = 'files' and column_name <> 'id' order by ordinal_position`).map((c) => ident(c.name));
  await raw.unsafe(
    `update files f set (${columns.join(", ")}) = (select ${columns.map((c) => `b.${c}`).join(", ")} from bk_files b where b.id = f.id) where f.id = any($1::uuid[])`,
    [ids],
  );
  await raw`insert into files select b.* from bk_files b where b.id = any(${ids}::uuid[]) and not exists (select 1 from files f where f.id = b.id)`;
  if (untrash.length) await raw`update files set deleted_at = null, purge_after = null where id = any(${untrash}::uuid[]) and deleted_at is not null`;
  const versions = await raw<{ object_key: string }[]>`
    insert into file_versions select v.* from bk_file_versions v where v.file_id = any(${ids}::uuid[])
      on conflict do nothing returning object_key`;
  await raw`
    insert into file_variants select x.* from bk_file_variants x join bk_file_versions v on v.id = x.version_id
     where v.file_id = any(${ids}::uuid[]) on conflict do nothing`;
  const references = new Map<string, number>();
  for (const v of versions) {
    const sha = blobSha256FromKey(v.object_key);
    if (sha) references.set(sha, (references.get(sha) ?? 0) + 1);
  }
  for (const [sha, n] of [...references].sort()) {
    await raw`
      insert into blobs (sha256, object_key, size, ref_count, created_at, updated_at)
      select b.sha256, b.object_key, b.size, ${n}, b.created_at, now() from bk_blobs b where b.sha256 = ${sha}
      on conflict (sha256) do update set ref_count = blobs.ref_count + excluded.ref_count, updated_at = now()`;
  }
}

function summarise(planned: Planned[]): RestoreResult {
  const restored = planned.filter((p) => p.action === "restore");
  return {
    files: planned.slice(0, LISTED_FILES).map(({ objectKeys: _k, missingObjects: _m, ...rest }) => rest),
    truncated: planned.length > LISTED_FILES,
    totals: {
      files: restored.length,
      versions: restored.reduce((n, p) => n + p.versions, 0),
      objects: restored.reduce((n, p) => n + p.objects, 0),
      bytes: restored.reduce((n, p) => n + p.bytes, 0),
      skipped: planned.length - restored.length,
      newer: planned.filter((p) => p.newer).length,
      objectsCopied: 0,
    },
  };
}
