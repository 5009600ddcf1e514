import "server-only";
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { PgDialect, type PgTable } from "drizzle-orm/pg-core";
import { getDb } from "@/db/client";
import { processMap } from "@/lib/process-map";

/** Totals are exact up to here; above it Postgres's estimate is returned and `totalExact` is false. */
export const EXACT_COUNT_LIMIT = 10_000;
/** How long a filter found to match more than EXACT_COUNT_LIMIT rows is answered from the estimate alone. */
const LARGE_MEMO_MS = 30_000;

const dialect = new PgDialect();
const largeUntil = processMap<string, number>("large-totals", 2000);

/** The planner's row estimate for a query: instant at any size, and close enough for "about N" totals. */
export async function estimateRows(query: SQLWrapper): Promise<number> {
  const [row] = await getDb().execute<{ "QUERY PLAN": { Plan: { "Plan Rows": number } }[] }>(sql`explain (format json) ${query}`);
  return Math.round(row["QUERY PLAN"][0].Plan["Plan Rows"]);
}

/**
 * A list's total: exact up to EXACT_COUNT_LIMIT (a bounded scan), the planner's estimate above it. The bounded
 * scan is skipped when the estimate alone is five times the limit, and for 30 s after a scan of the same filter
 * found more than the limit: counting 10 001 index entries on every page request was most of a list's database
 * time for an owner with ten thousand files. So a set that shrinks below the limit may be reported as an
 * estimate (never as exact) for up to 30 s. `trustEstimate: false` (a name search, whose estimate is a guess
 * from the pattern's shape) always scans unless the memo says the set is large.
 */
export async function countTotal(table: PgTable, where: SQL | undefined, opts: { trustEstimate: boolean }): Promise<{ total: number; exact: boolean }> {
  const db = getDb();
  const estimateQuery = db.select({ one: sql`1` }).from(table).where(where);
  const rendered = where ? dialect.sqlToQuery(where) : { sql: "", params: [] };
  const key = `${dialect.sqlToQuery(sql`${table}`).sql} ${rendered.sql} ${JSON.stringify(rendered.params)}`;
  const first = opts.trustEstimate ? await estimateRows(estimateQuery) : null;
  if (first !== null && first >= 5 * EXACT_COUNT_LIMIT) return { total: first, exact: false };
  if ((largeUntil.get(key) ?? 0) > Date.now()) {
    return { total: Math.max(first ?? (await estimateRows(estimateQuery)), EXACT_COUNT_LIMIT + 1), exact: false };
  }
  const bounded = db.select({ one: sql`1` }).from(table).where(where).limit(EXACT_COUNT_LIMIT + 1).as("bounded");
  const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(bounded);
  if (n <= EXACT_COUNT_LIMIT) {
    largeUntil.delete(key);
    return { total: n, exact: true };
  }
  largeUntil.set(key, Date.now() + LARGE_MEMO_MS);
  return { total: Math.max(first ?? (await estimateRows(estimateQuery)), n), exact: false };
}
