import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type Tx } from "@/db/client";
import type { ServiceContext } from "@/lib/auth/actor";
import { logger } from "@/lib/log";
import { AUDIT_LOCK_CLASS, canonicalEvent, linkHash } from "./chain";
import { checkpointBeyond, writeCheckpoint } from "./checkpoints";

const BATCH = 500;
const SEALER_LOCK = 0;
/**
 * The interval's pass looks only at ids near the end of the chain (events whose transaction committed
 * after later ones were sealed sit just below it); the full pass, from the cron backstop and before
 * every verification, also finds any straggler further back.
 */
const LOOKBACK_IDS = 10_000;

export interface ChainHead {
  seq: number;
  eventId: number;
  hash: string;
}

export interface SealResult {
  sealed: number;
  head: ChainHead | null;
  /** Another sealer held the lock (only without `wait`). */
  busy?: boolean;
  /** Sealing refused: the chain is shorter than a checkpoint in S3 says it was. */
  halted?: { reason: "truncated"; checkpointSeq: number };
}

export interface SealInput {
  /** Wait for a running sealer instead of leaving the work to it. */
  wait?: boolean;
  /** Search every id for unsealed events, not only the recent ones. */
  full?: boolean;
  maxBatches?: number;
}

let lastHalt: number | null = null;

/**
 * Extends the keyed hash chain over events not yet in it, oldest id first, in batches of ≤500, each
 * in its own transaction under a transaction-scoped advisory lock (one sealer at a time across
 * instances), then signs a checkpoint of the new head into S3. Writers never wait for any of this.
 */
export async function sealAuditEvents(_ctx: ServiceContext, input: SealInput = {}): Promise<SealResult> {
  const result: SealResult = { sealed: 0, head: null };
  let floor: number | null = null;
  for (let batch = 0; batch < (input.maxBatches ?? 20); batch++) {
    const step = await getDb().transaction((tx) => sealBatch(tx, { ...input, floor, checkGuard: batch === 0 }));
    if (step.busy) return { ...result, busy: true };
    result.head = step.head;
    if (step.halted) {
      if (lastHalt !== step.halted.checkpointSeq) logger.error({ chainHead: step.head?.seq ?? 0, checkpointSeq: step.halted.checkpointSeq }, "audit chain is shorter than its S3 checkpoint: sealing halted");
      lastHalt = step.halted.checkpointSeq;
      return { ...result, halted: step.halted };
    }
    lastHalt = null;
    result.sealed += step.sealed;
    floor = step.lastEventId;
    if (step.sealed < BATCH) break;
  }
  if (result.sealed > 0 && result.head) await writeCheckpoint(result.head);
  return result;
}

async function sealBatch(tx: Tx, opts: SealInput & { floor: number | null; checkGuard: boolean }) {
  const lock = opts.wait
    ? sql`select true as locked from (select pg_advisory_xact_lock(${AUDIT_LOCK_CLASS}, ${SEALER_LOCK})) l`
    : sql`select pg_try_advisory_xact_lock(${AUDIT_LOCK_CLASS}, ${SEALER_LOCK}) as locked`;
  const [{ locked }] = await tx.execute<{ locked: boolean }>(lock);
  if (!locked) return { busy: true, sealed: 0, head: null, lastEventId: null };

  const [headRow] = await tx.execute<{ seq: string; event_id: string; hash: string; max_event: string }>(
    sql`select seq, event_id, hash, (select max(event_id) from audit_chain) as max_event from audit_chain order by seq desc limit 1`,
  );
  let head: ChainHead | null = headRow ? { seq: Number(headRow.seq), eventId: Number(headRow.event_id), hash: headRow.hash } : null;
  const floor = opts.floor ?? (opts.full || !headRow ? 0 : Math.max(0, Number(headRow.max_event) - LOOKBACK_IDS));
  const rows = await tx.execute<{ id: string; canonical: string }>(sql`
    select e.id, ${canonicalEvent} as canonical from audit_events e
    where e.id > ${floor} and not exists (select 1 from audit_chain c where c.event_id = e.id)
    order by e.id limit ${BATCH}`);
  if (rows.length === 0) return { sealed: 0, head, lastEventId: floor };

  // Never extend a chain that lost its tail: its next links would paper over the loss.
  if (opts.checkGuard) {
    const beyond = await checkpointBeyond(head?.seq ?? 0);
    if (beyond) return { sealed: 0, head, lastEventId: floor, halted: { reason: "truncated" as const, checkpointSeq: beyond.seq } };
  }

  const links = rows.map((row) => {
    const seq = (head?.seq ?? 0) + 1;
    head = { seq, eventId: Number(row.id), hash: linkHash(head?.hash ?? "", seq, row.canonical) };
    return head;
  });
  await tx.execute(sql`insert into audit_chain (seq, event_id, hash) values ${sql.join(links.map((l) => sql`(${l.seq}, ${l.eventId}, ${l.hash})`), sql`, `)}`);
  return { sealed: links.length, head, lastEventId: links.at(-1)!.eventId };
}
