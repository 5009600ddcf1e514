/**
 * The disaster case's database half: a set's tables loaded into an EMPTY database, exactly. Plain Node
 * (postgres.js + drizzle's migrator), so `npm run restore` runs it without the app.
 *
 * 1. Refuse a database that holds any row, or that was migrated past the set's last migration.
 * 2. Apply the migrations up to the manifest's `lastMigration` (the schema the dumps were taken from).
 * 3. In ONE transaction: user triggers off (owner_usage counters and the legal-hold sync would otherwise
 *    count or rewrite rows the dump already holds; the audit tables' append-only triggers do not fire on
 *    INSERT anyway), `COPY … FROM STDIN` each table in manifest order (parents first, so foreign keys hold),
 *    each dump's hash checked, triggers back on, every sequence and identity set past its column's maximum.
 * 4. Apply the migrations this code has beyond the set's, so the app of this version starts on it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { readMigrationFiles } from "drizzle-orm/migrator";
import type postgres from "postgres";
import type { Manifest } from "../format";
import { RestoreError, streamTableDump } from "./read";
import type { Bucket } from "./source";

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../db/migrations");

interface JournalEntry { idx: number; when: number; tag: string }

function journal(folder: string): JournalEntry[] {
  return (JSON.parse(readFileSync(path.join(folder, "meta/_journal.json"), "utf8")) as { entries: JournalEntry[] }).entries;
}

/** How many of this code's migrations the set's schema had: its `lastMigration` is a journal tag (or its `when`). */
export function migrationsOfSet(manifest: Pick<Manifest, "lastMigration" | "setId">, folder = MIGRATIONS_FOLDER): number {
  const entries = journal(folder);
  const i = entries.findIndex((e) => e.tag === manifest.lastMigration || String(e.when) === manifest.lastMigration);
  if (i < 0) {
    throw new RestoreError("unknown_migration", `set ${manifest.setId} was taken at migration ${manifest.lastMigration}, which this code does not have: restore it with the version of Framevault that wrote it (or a newer one)`);
  }
  return i + 1;
}

/** Applies the first `count` migrations (those not applied yet), as drizzle's migrate() would. */
export async function migrateFirst(sql: postgres.Sql, count: number, folder = MIGRATIONS_FOLDER): Promise<void> {
  const db = drizzle(sql);
  const migrations = readMigrationFiles({ migrationsFolder: folder }).slice(0, count);
  // The same call drizzle-orm/postgres-js/migrator's migrate() makes, with the list cut at the set's migration.
  const internal = db as unknown as { dialect: { migrate(m: unknown, s: unknown, c: unknown): Promise<void> }; session: unknown };
  await internal.dialect.migrate(migrations, internal.session, { migrationsFolder: folder });
}

/** Tables of `public` that hold a row, and how many migrations were applied: the "empty database" check. */
export async function databaseContents(sql: postgres.Sql): Promise<{ tablesWithRows: string[]; appliedMigrations: number }> {
  const tables = await sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public' order by tablename`;
  const tablesWithRows: string[] = [];
  for (const { name } of tables) {
    const [row] = await sql.unsafe(`select exists (select 1 from public.${ident(name)}) as has`);
    if (row.has) tablesWithRows.push(name);
  }
  const [{ present }] = await sql<{ present: boolean }[]>`select to_regclass('drizzle.__drizzle_migrations') is not null as present`;
  const appliedMigrations = present ? Number((await sql`select count(*)::int as n from drizzle.__drizzle_migrations`)[0].n) : 0;
  return { tablesWithRows, appliedMigrations };
}

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface DatabaseRestoreProgress {
  (event: { phase: "migrate" | "table" | "sequences" | "migrate-rest"; table?: string; rows?: number; done: number; total: number }): void;
}

/** Restores every table of the set into the (empty) database at `sql`, connected as the schema's owner. */
export async function restoreDatabase(sql: postgres.Sql, store: Bucket, manifest: Manifest, key: Buffer, onProgress: DatabaseRestoreProgress = () => {}): Promise<{ tables: number; rows: number }> {
  const setMigrations = migrationsOfSet(manifest);
  const contents = await databaseContents(sql);
  if (contents.tablesWithRows.length > 0) {
    throw new RestoreError("target_not_empty", `the target database is not empty (rows in ${contents.tablesWithRows.slice(0, 5).join(", ")}${contents.tablesWithRows.length > 5 ? ", …" : ""}): restore everything only into an empty database`);
  }
  if (contents.appliedMigrations > setMigrations) {
    throw new RestoreError("target_not_empty", `the target database was migrated past the set (${contents.appliedMigrations} migrations applied, the set has ${setMigrations}): start from an empty database`);
  }
  onProgress({ phase: "migrate", done: 0, total: manifest.tables.length });
  await migrateFirst(sql, setMigrations);

  const tables = new Set((await sql<{ name: string }[]>`select tablename as name from pg_tables where schemaname = 'public'`).map((r) => r.name));
  for (const t of manifest.tables) {
    if (!tables.has(t.name)) throw new RestoreError("schema_mismatch", `table ${t.name} of the set does not exist after migration ${manifest.lastMigration}`);
  }
  // Migrations seed some tables (the default archive policies): the set's rows replace what they wrote.
  const seeded = (await databaseContents(sql)).tablesWithRows.filter((name) => manifest.tables.some((t) => t.name === name));
  let rows = 0;
  await sql.begin(async (tx) => {
    for (const t of manifest.tables) await tx.unsafe(`alter table public.${ident(t.name)} disable trigger user`);
    if (seeded.length) await tx.unsafe(`truncate ${seeded.map((name) => `public.${ident(name)}`).join(", ")}`);
    let done = 0;
    for (const t of manifest.tables) {
      const sink = await tx.unsafe(`copy public.${ident(t.name)} from stdin`).writable();
      await streamTableDump(store, t, key, sink);
      const [{ n }] = await tx.unsafe(`select count(*)::bigint as n from public.${ident(t.name)}`);
      if (Number(n) !== t.rows) throw new RestoreError("dump_mismatch", `table ${t.name}: loaded ${n} rows, the manifest says ${t.rows}`);
      rows += t.rows;
      onProgress({ phase: "table", table: t.name, rows: t.rows, done: ++done, total: manifest.tables.length });
    }
    for (const t of manifest.tables) await tx.unsafe(`alter table public.${ident(t.name)} enable trigger user`);
    onProgress({ phase: "sequences", done, total: manifest.tables.length });
    await resetSequences(tx);
  });
  onProgress({ phase: "migrate-rest", done: manifest.tables.length, total: manifest.tables.length });
  await migrateFirst(sql, Number.MAX_SAFE_INTEGER);
  return { tables: manifest.tables.length, rows };
}

/** Every sequence owned by a column of `public` (serials and identities) continues after the column's maximum. */
export async function resetSequences(tx: postgres.TransactionSql | postgres.Sql): Promise<void> {
  const owned = await tx<{ table: string; column: string; seq: string }[]>`
    select c.relname as table, a.attname as column, s.oid::regclass::text as seq
      from pg_depend d
      join pg_class s on s.oid = d.objid and s.relkind = 'S'
      join pg_class c on c.oid = d.refobjid
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
     where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')`;
  for (const o of owned) {
    await tx.unsafe(`select setval('${o.seq.replace(/'/g, "''")}', coalesce((select max(${ident(o.column)}) from public.${ident(o.table)}), 1), (select max(${ident(o.column)}) from public.${ident(o.table)}) is not null)`);
  }
}
