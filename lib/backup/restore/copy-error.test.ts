// A restore loads each table with COPY … FROM STDIN through postgres.js. Upstream, when Postgres rejects the
// data after the last row was sent, the writable never finishes (porsager/postgres#1173): the pipeline, the
// restore and `npm run restore` hang, and the transaction is never rolled back. patches/postgres+*.patch
// (applied by `npm install`) settles it with the server's error; this checks the installed driver.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { testSql } from "@/scripts/testing/backends";

/** Rejects when `work` has not settled in time, so a hang fails here instead of at the test's timeout. */
function settlesWithin<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([work, guard]).finally(() => clearTimeout(timer));
}

describe("COPY FROM STDIN that Postgres rejects", () => {
  it("fails the pipeline with the server's error, rolls the transaction back, and leaves the connection usable", async () => {
    const sql = testSql();
    const attempt = sql.begin(async (tx) => {
      await tx`create temporary table copy_check (n integer not null) on commit drop`;
      const sink = await tx`copy copy_check from stdin`.writable();
      await pipeline(Readable.from(["1\n", "2\n", "not-a-number\n"]), sink);
    });
    await expect(settlesWithin(attempt, 15_000)).rejects.toThrow(/invalid input syntax for type integer/);
    // Rolled back and given back to the pool in a usable state: both connections answer.
    const answers = await Promise.all([sql`select 1 as one`, sql`select 1 as one`]);
    expect(answers.map((rows) => rows[0].one)).toEqual([1, 1]);
    const [{ n }] = await sql`select count(*)::int as n from pg_stat_activity where state = 'idle in transaction (aborted)' and datname = current_database()`;
    expect(n).toBe(0);
  });
});
