import "server-only";
import { once } from "node:events";
import { PassThrough, type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { eq } from "drizzle-orm";
import type postgres from "postgres";
import { getDb, getSql } from "@/db/client";
import journal from "@/db/migrations/meta/_journal.json";
import { backupObjects } from "@/db/schema";
import { env } from "@/lib/env";
import { encryptStream, hashingStream, parseEncryptionKey, tableDumpKey, type TableDump } from "./format";
import { backupStore, putStream, retainUntil } from "./store";

/** Tables a backup does not carry: its own work list. */
const NOT_DUMPED = new Set(["backup_objects"]);

export interface Snapshot {
  epoch: string;
  lsn: string;
  lastMigration: string;
  tables: TableDump[];
  objects: number;
  bytesTotal: number;
  databaseBytes: number;
}

/**
 * The epoch (B1): one REPEATABLE READ READ ONLY transaction dumps every table (`COPY … TO STDOUT`, gzip,
 * AES-256-GCM, streamed into the backup store) and lists the objects its rows reference into the set's work
 * list (backup_objects), so the tables and the objects are one consistent point. Re-running it (a retried
 * step) starts the set's work list again and overwrites its dumps.
 */
export async function takeSnapshot(input: { setId: string; type: "full" | "incremental" }): Promise<Snapshot> {
  const db = getDb();
  await db.delete(backupObjects).where(eq(backupObjects.setId, input.setId));
  const key = parseEncryptionKey(env().BACKUP_ENCRYPTION_KEY);
  const store = backupStore();
  const until = retainUntil(input.type);
  return getSql().begin("isolation level repeatable read read only", async (tx) => {
    const [point] = await tx<{ epoch: Date; lsn: string }[]>`select now() as epoch, pg_current_wal_lsn()::text as lsn`;
    const lastMigration = await lastAppliedMigration(tx);
    const tables: TableDump[] = [];
    for (const table of await tablesInLoadOrder(tx)) {
      tables.push(await dumpTable(tx, { setId: input.setId, table, key, store, until }));
    }
    const listed = await listObjects(tx, input.setId);
    return {
      epoch: new Date(point.epoch).toISOString(),
      lsn: point.lsn,
      lastMigration,
      tables,
      objects: listed.objects,
      bytesTotal: listed.bytes,
      databaseBytes: tables.reduce((n, t) => n + t.storedBytes, 0),
    };
  }) as Promise<Snapshot>;
}

/** The tag of the newest applied migration (drizzle keeps its journal's `when`; the journal names it). */
async function lastAppliedMigration(tx: postgres.TransactionSql): Promise<string> {
  const [row] = await tx<{ created_at: string }[]>`select created_at::text from drizzle.__drizzle_migrations order by created_at desc limit 1`;
  if (!row) return "none";
  const entry = journal.entries.find((e) => String(e.when) === row.created_at);
  return entry?.tag ?? `unknown-migration-${row.created_at}`;
}

/** Tables of the `public` schema, each after the tables its foreign keys point at (a restore loads them in this order). */
async function tablesInLoadOrder(tx: postgres.TransactionSql): Promise<string[]> {
  const tables = (await tx<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`).map((r) => r.name).filter((t) => !NOT_DUMPED.has(t));
  const edges = await tx<{ child: string; parent: string }[]>`
    select c.relname as child, p.relname as parent from pg_constraint k
      join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
      join pg_namespace n on n.oid = c.relnamespace
     where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`;
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) parents.get(e.child)?.add(e.parent);
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p) || !parents.has(p)));
    // A cycle of foreign keys (none today): the rest in name order; a restore defers constraints anyway.
    const next = ready.length > 0 ? ready : tables.filter((t) => !placed.has(t));
    for (const t of next) {
      placed.add(t);
      ordered.push(t);
    }
  }
  return ordered;
}

/** Counts rows of COPY's text format: one line each (newlines inside values are escaped as `\n`). */
function lineCounter(): { stream: Transform; rows: () => number } {
  let rows = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      cb(null, chunk);
    },
  });
  return { stream, rows: () => rows };
}

/** Heap pages per COPY: each batch is read whole before it is written on (about 4 MiB of rows). */
const PAGES_PER_COPY = 512;

/**
 * A table's rows as COPY text, a batch of heap pages (`ctid` ranges, in the snapshot) per `COPY (select …) TO
 * STDOUT`, so memory holds one batch at most. postgres.js (3.4.9) pauses the connection's socket when its COPY
 * stream's buffer is full and resumes it only from the stream's `_read`; a stream that ended while the socket
 * was paused leaves the connection deaf, and the next statement waits for ever (porsager/postgres#499, #917;
 * it hung the snapshot). So each batch is read whole with a `data` listener, the socket is resumed at its
 * end, and backpressure applies between batches, on the stream returned here.
 */
function copyRows(tx: postgres.TransactionSql, table: string): Readable {
  const quoted = `"${table.replaceAll('"', '""')}"`;
  // The history leaves out the set being taken (and any other unfinished one): restored, it would be a
  // "running" set with no live run, which the app fails and cleans — the very set it was restored from.
  const filter = table === "backup_sets" ? " and status not in ('running', 'verifying')" : "";
  const out = new PassThrough();
  (async () => {
    const [{ pages }] = await tx<{ pages: number }[]>`
      select ceil(pg_relation_size(${quoted}::regclass)::float8 / current_setting('block_size')::int)::int as pages`;
    for (let from = 0; ; from += PAGES_PER_COPY) {
      const last = from + PAGES_PER_COPY >= pages;
      const range = `ctid >= '(${from},0)'::tid${last ? "" : ` and ctid < '(${from + PAGES_PER_COPY},0)'::tid`}`;
      const source = await tx.unsafe(`copy (select * from ${quoted} where ${range}${filter}) to stdout`).readable();
      const chunks = await new Promise<Buffer[]>((resolve, reject) => {
        const got: Buffer[] = [];
        source.on("data", (c: Buffer) => got.push(c));
        source.on("end", () => {
          // Rows that arrived before this listener filled the stream's buffer, which paused the socket; the
          // stream then ended without asking for more, and nothing resumes the socket: its _read does.
          (source as unknown as { _read: (size: number) => void })._read(0);
          resolve(got);
        });
        source.on("error", reject);
      });
      for (const chunk of chunks) if (!out.write(chunk)) await once(out, "drain");
      if (last) break;
    }
    out.end();
  })().catch((err) => out.destroy(err));
  return out;
}

async function dumpTable(
  tx: postgres.TransactionSql,
  o: { setId: string; table: string; key: Buffer; store: ReturnType<typeof backupStore>; until: Date },
): Promise<TableDump> {
  const source = copyRows(tx, o.table);
  const plain = hashingStream();
  const lines = lineCounter();
  const cipher = encryptStream(o.key);
  const stored = hashingStream();
  const dumpKey = tableDumpKey(o.setId, o.table);
  const upload = putStream(o.store, dumpKey, stored.stream, { until: o.until, contentType: "application/octet-stream" });
  // A failed upload stops reading: end the rows too, or the transaction would wait on them for ever.
  upload.catch((err) => source.destroy(err));
  await Promise.all([pipeline(source, lines.stream, plain.stream, createGzip(), cipher.stream, stored.stream), upload]);
  const { sha256, bytes } = plain.digest();
  return {
    name: o.table,
    rows: lines.rows(),
    sha256,
    bytes,
    key: dumpKey,
    storedBytes: stored.digest().bytes,
    iv: cipher.iv,
    authTag: cipher.authTag(),
  };
}

const INSERT_BATCH = 1000;

/**
 * Every object a row of the snapshot names, once per key: versions' originals and blobs, the blobs table,
 * variants (thumbnails, previews, posters, conversions). Upload sessions and the deletion queue name objects
 * no file row owns, so they are not part of a backup. Versions whose object reconciliation found missing, and
 * the blobs they name, are left out (there is nothing to copy).
 */
async function listObjects(tx: postgres.TransactionSql, setId: string): Promise<{ objects: number; bytes: number }> {
  let seq = 0;
  let bytes = 0;
  const db = getDb();
  // postgres.js awaits the callback of every batch but the last (its CommandComplete calls it without
  // waiting), so the inserts are chained here and the chain awaited after the cursor.
  let inserted: Promise<unknown> = Promise.resolve();
  await tx<{ key: string; sha256: string | null; size: string; content_type: string | null }[]>`
    select distinct on (key) key, sha256, size, content_type from (
      select object_key as key, checksum_sha256 as sha256, size, mime_type as content_type from file_versions where object_missing_at is null
      union all
      select b.object_key, b.sha256, b.size, null from blobs b
       where not exists (select 1 from file_versions v where v.object_key = b.object_key and v.object_missing_at is not null)
      union all
      select object_key, null, size, content_type from file_variants
    ) o order by key, sha256 nulls last, content_type nulls last`.cursor(INSERT_BATCH, async (rows) => {
    const values = rows.map((r) => {
      bytes += Number(r.size);
      return { setId, seq: seq++, objectKey: r.key, sha256: r.sha256, size: Number(r.size), contentType: r.content_type };
    });
    inserted = inserted.then(() => db.insert(backupObjects).values(values));
    await inserted;
  });
  await inserted;
  return { objects: seq, bytes };
}
