import "server-only";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import type { ServiceContext } from "@/lib/auth/actor";
import { recordAuditVerification } from "@/lib/metrics/record";
import { canonicalEvent, linkHash } from "./chain";
import { checkpointAuthentic, listCheckpoints, type CheckpointRef } from "./checkpoints";
import { sealAuditEvents } from "./seal";

export type BreakReason =
  /** An event's content, or a link's hash, is not what was sealed. */
  | "altered"
  /** A link, or the event it seals, is gone from the middle of the chain. */
  | "missing"
  /** The chain ends before a checkpoint in S3 that was written when it was longer. */
  | "truncated"
  /** The chain is self-consistent but differs from a checkpoint: it was sealed again after a change. */
  | "rewritten"
  /** An object under the checkpoint prefix that this app did not sign. */
  | "forged_checkpoint";

export interface AuditVerification {
  valid: boolean;
  /** Links of the chain recomputed. */
  checked: number;
  /** Events written but not yet in the chain (sealing runs seconds behind, or halted). */
  unsealed: number;
  /** Checkpoints in S3 compared with the chain. */
  checkpoints: number;
  firstBrokenId?: number;
  firstBrokenSeq?: number;
  reason?: BreakReason;
}

const PAGE = 2000;

/**
 * Seals what is waiting, then recomputes the whole chain with the key and compares it, position by
 * position, with every checkpoint in S3. The first disagreement in chain order is reported.
 */
export async function verifyAuditChain(ctx: ServiceContext): Promise<AuditVerification> {
  await sealAuditEvents(ctx, { wait: true, full: true });
  const db = getDb();
  const checkpoints = listCheckpoints()[Symbol.asyncIterator]();
  let cp: CheckpointRef | null = (await checkpoints.next()).value ?? null;
  let compared = 0;
  let prev = "";
  let seq = 0;
  let broken: Pick<AuditVerification, "firstBrokenId" | "firstBrokenSeq" | "reason"> | null = null;

  outer: for (;;) {
    const rows = await db.execute<{ seq: string; event_id: string; hash: string; present: boolean; canonical: string }>(sql`
      select c.seq, c.event_id, c.hash, e.id is not null as present, ${canonicalEvent} as canonical
      from audit_chain c left join audit_events e on e.id = c.event_id
      where c.seq > ${seq} order by c.seq limit ${PAGE}`);
    for (const row of rows) {
      const at = Number(row.seq);
      const eventId = Number(row.event_id);
      if (at !== seq + 1) {
        broken = { firstBrokenSeq: seq + 1, reason: "missing" };
        break outer;
      }
      if (!row.present) {
        broken = { firstBrokenSeq: at, firstBrokenId: eventId, reason: "missing" };
        break outer;
      }
      const expected = linkHash(prev, at, row.canonical);
      if (expected !== row.hash) {
        broken = { firstBrokenSeq: at, firstBrokenId: eventId, reason: "altered" };
        break outer;
      }
      while (cp && cp.seq <= at) {
        if (cp.seq === at) {
          compared++;
          if (cp.hash !== expected) {
            broken = { firstBrokenSeq: at, firstBrokenId: eventId, reason: (await checkpointAuthentic(cp)) ? "rewritten" : "forged_checkpoint" };
            break outer;
          }
        }
        cp = (await checkpoints.next()).value ?? null;
      }
      prev = expected;
      seq = at;
    }
    if (rows.length < PAGE) break;
  }

  if (!broken && cp) {
    // A checkpoint beyond the end: the chain was longer when it was written.
    broken = (await checkpointAuthentic(cp)) ? { firstBrokenSeq: seq + 1, reason: "truncated" } : { firstBrokenSeq: cp.seq, reason: "forged_checkpoint" };
  }
  await checkpoints.return?.(undefined);
  const [{ unsealed }] = await db.execute<{ unsealed: string }>(
    sql`select count(*) as unsealed from audit_events e where not exists (select 1 from audit_chain c where c.event_id = e.id)`,
  );
  recordAuditVerification(broken === null);
  return { valid: broken === null, checked: seq, unsealed: Number(unsealed), checkpoints: compared, ...broken };
}
