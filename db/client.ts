import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { framevaultDb?: { db: Database; sql: postgres.Sql } };

function connect() {
  const sql = postgres(env().DATABASE_URL, { max: 10, onnotice: () => {} });
  return { sql, db: drizzle(sql, { schema, logger: env().LOG_SQL }) };
}

/** One postgres.js pool per process, kept across hot reloads in dev. */
export function getDb(): Database {
  globalForDb.framevaultDb ??= connect();
  return globalForDb.framevaultDb.db;
}

/** The pool's postgres.js client, for what drizzle does not express (a `COPY … TO STDOUT` stream in a snapshot transaction). */
export function getSql(): postgres.Sql {
  getDb();
  return globalForDb.framevaultDb!.sql;
}

export async function closeDb(): Promise<void> {
  const current = globalForDb.framevaultDb;
  globalForDb.framevaultDb = undefined;
  await current?.sql.end({ timeout: 5 });
}
