import "server-only";
import { sql, type SQLWrapper } from "drizzle-orm";
import { getDb } from "@/db/client";

/** The planner's row estimate for a query: instant at any size, and close enough for "about N" totals. */
export async function estimateRows(query: SQLWrapper): Promise<number> {
  const [row] = await getDb().execute<{ "QUERY PLAN": { Plan: { "Plan Rows": number } }[] }>(sql`explain (format json) ${query}`);
  return Math.round(row["QUERY PLAN"][0].Plan["Plan Rows"]);
}
