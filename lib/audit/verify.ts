import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

/**
 * Recomputes the whole chain in the database with the same digest function the insert trigger uses.
 * The first row whose hash or back-link does not match is where the log was altered.
 */
export async function verifyAuditChain(): Promise<{ valid: boolean; checked: number; firstBrokenId?: number }> {
  const [result] = await getDb().execute<{ checked: string; first_broken: string | null }>(sql`
    with chain as (
      select id, seq, hash, prev_hash,
             lag(hash) over (order by seq) as real_prev,
             audit_event_digest(lag(hash) over (order by seq), e) as expected
      from audit_events e
    )
    select (select count(*) from chain) as checked,
           (select id from chain
             where hash is distinct from expected or prev_hash is distinct from real_prev
             order by seq limit 1) as first_broken
  `);
  const checked = Number(result.checked);
  if (result.first_broken === null) return { valid: true, checked };
  return { valid: false, checked, firstBrokenId: Number(result.first_broken) };
}
