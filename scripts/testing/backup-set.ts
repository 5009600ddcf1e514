// A minimal set writer for the restore tests, NOT the backup run (lib/backup, h-bcore's): it writes a set
// in the store format (lib/backup/format.ts) from the test database and media bucket, so the restore
// engine can be tested on a set whose every byte the test controls (a corrupted object, a set the
// app's backup_sets table does not know). The restore end-to-end tests use real runs.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type postgres from "postgres";
import {
  contentKey, encryptStream, hashingStream, keyId, manifestKey, MANIFEST_FORMAT, tableDumpKey, type Manifest, type ManifestObject, type TableDump,
} from "@/lib/backup/format";
import type { Bucket } from "@/lib/backup/restore/source";

/** Tables of `public`, parents before children (foreign keys), as a restore loads them. */
async function tablesInOrder(tx: postgres.TransactionSql): Promise<string[]> {
  const tables = (await tx<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public' order by tablename`).map((r) => r.name);
  const edges = await tx<{ child: string; parent: string }[]>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent from pg_constraint c
     join pg_namespace n on n.oid = c.connamespace and n.nspname = 'public' where c.contype = 'f'`;
  const ordered: string[] = [];
  const visit = (t: string, seen: Set<string>) => {
    if (ordered.includes(t) || seen.has(t)) return;
    seen.add(t);
    for (const e of edges) if (e.child.replace(/"/g, "") === t && e.parent.replace(/"/g, "") !== t) visit(e.parent.replace(/"/g, ""), seen);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

function lastMigrationTag(applied: number): string {
  const journal = JSON.parse(readFileSync(path.resolve("db/migrations/meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  return journal.entries[applied - 1].tag;
}

async function upload(store: Bucket, key: string, body: Readable): Promise<void> {
  await new Upload({ client: store.client, params: { Bucket: store.bucket, Key: store.prefix + key, Body: body } }).done();
}

/** Writes a set of everything in the database at one snapshot and every object its rows reference. */
export async function writeTestSet(opts: { sql: postgres.Sql; media: Bucket; store: Bucket; key: Buffer; setId?: string; type?: "full" | "incremental" }): Promise<Manifest> {
  const setId = opts.setId ?? randomUUID();
  const startedAt = new Date().toISOString();
  const tables: TableDump[] = [];
  let epoch = "";
  let lsn = "";
  let lastMigration = "";
  let keys: string[] = [];
  await opts.sql.begin("isolation level repeatable read read only", async (tx) => {
    const [snap] = await tx`select now() as epoch, pg_current_wal_lsn()::text as lsn, (select count(*)::int from drizzle.__drizzle_migrations) as applied`;
    epoch = new Date(snap.epoch).toISOString();
    lsn = snap.lsn;
    lastMigration = lastMigrationTag(snap.applied);
    for (const name of await tablesInOrder(tx)) {
      const [{ n }] = await tx.unsafe(`select count(*)::int as n from public."${name}"`);
      const hash = hashingStream();
      const enc = encryptStream(opts.key);
      const counted = new PassThrough();
      let storedBytes = 0;
      counted.on("data", (c: Buffer) => (storedBytes += c.length));
      const source = await tx.unsafe(`copy public."${name}" to stdout`).readable();
      const out = new PassThrough();
      const uploaded = upload(opts.store, tableDumpKey(setId, name), out);
      await pipeline(source, hash.stream, createGzip(), enc.stream, counted, out);
      await uploaded;
      const d = hash.digest();
      tables.push({ name, rows: n, sha256: d.sha256, bytes: d.bytes, key: tableDumpKey(setId, name), storedBytes, iv: enc.iv, authTag: enc.authTag() });
    }
    keys = (await tx<{ key: string }[]>`select object_key as key from file_versions union select object_key from file_variants order by 1`).map((r) => r.key);
  });
  const objects: ManifestObject[] = [];
  let bytesCopied = 0;
  let objectsCopied = 0;
  for (const key of keys) {
    const got = await opts.media.client.send(new GetObjectCommand({ Bucket: opts.media.bucket, Key: opts.media.prefix + key })).catch(() => null);
    if (!got) continue;
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const location = contentKey(sha256);
    const there = await opts.store.client.send(new HeadObjectCommand({ Bucket: opts.store.bucket, Key: opts.store.prefix + location })).then(() => true, () => false);
    if (!there) {
      objectsCopied += 1;
      await opts.store.client.send(new PutObjectCommand({ Bucket: opts.store.bucket, Key: opts.store.prefix + location, Body: bytes }));
      bytesCopied += bytes.length;
    }
    objects.push({ key, sha256, size: bytes.length, location, copiedIn: setId, ...(got.ContentType ? { contentType: got.ContentType } : {}) });
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT, setId, type: opts.type ?? "full", baseSetId: null, epoch, lsn, lastMigration, startedAt, finishedAt: new Date().toISOString(),
    encryption: { algorithm: "aes-256-gcm", keyId: keyId(opts.key) },
    tables, objects,
    totals: { objects: objects.length, bytes: objects.reduce((n, o) => n + o.size, 0), objectsCopied, bytesCopied, databaseBytes: tables.reduce((n, t) => n + t.storedBytes, 0) },
  };
  await opts.store.client.send(new PutObjectCommand({ Bucket: opts.store.bucket, Key: opts.store.prefix + manifestKey(setId), Body: JSON.stringify(manifest), ContentType: "application/json" }));
  return manifest;
}
