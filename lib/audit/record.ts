import "server-only";
import { sql } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import type { Database, Tx } from "@/db/client";
import { actorId, type Actor, type RequestInfo } from "@/lib/auth/actor";
import { currentRequestId } from "@/lib/log";
import { AUDIT_LOCK_CLASS } from "./chain";

export type AuditOutcome = "success" | "failure" | "denied";

export interface AuditContext {
  /** The change's own transaction: the change and its audit row commit or roll back together. */
  tx: Tx;
  actor: Actor | null;
  request?: RequestInfo;
}

export interface AuditInput {
  action: string;
  fileId?: string | null;
  outcome?: AuditOutcome;
  details?: Record<string, unknown>;
  /**
   * Reads repeated by the same actor (a page polling, a player fetching ranges) are one row: nothing
   * is written when the actor already has a row of this action on this file, whose details contain
   * `match`, within the last `withinSeconds`.
   */
  coalesce?: { withinSeconds: number; match?: Record<string, unknown> };
}

/**
 * One row in the caller's transaction; no lock and no hash here: the sealer chains it seconds later.
 * Says whether a row was written (false when coalesced into a recent one).
 */
export async function recordAuditEvent(ctx: AuditContext, input: AuditInput): Promise<boolean> {
  const row = {
    actorType: ctx.actor?.type ?? "anonymous",
    actorId: ctx.actor ? actorId(ctx.actor) : null,
    action: input.action,
    fileId: input.fileId ?? null,
    outcome: input.outcome ?? "success",
    ip: ctx.request?.ip ?? null,
    userAgent: ctx.request?.userAgent ?? null,
    // Work a request started in the background (processing) has no RequestInfo but runs under its id.
    requestId: ctx.request?.requestId ?? currentRequestId() ?? null,
    details: ctx.actor?.type === "apiKey" ? { ...input.details, keyOwnerId: ctx.actor.userId } : (input.details ?? {}),
  };
  if (input.coalesce && row.actorId && row.fileId && (await recentlyRecorded(ctx.tx, row, input.coalesce))) return false;
  await ctx.tx.insert(auditEvents).values(row);
  return true;
}

/**
 * Outside any transaction: whether recordAuditEvent with this coalesce would write nothing. A read repeated
 * within the window (a player's Range requests) then costs one indexed lookup instead of a transaction.
 * A false answer only means the caller goes on to recordAuditEvent, which decides under its lock.
 */
export async function wouldCoalesce(db: Database, actor: Actor | null, input: AuditInput & { coalesce: NonNullable<AuditInput["coalesce"]> }): Promise<boolean> {
  const id = actor ? actorId(actor) : null;
  if (!id || !input.fileId) return false;
  const found = await db.execute(sql`
    select 1 from audit_events
    where file_id = ${input.fileId} and action = ${input.action} and actor_id = ${id}
      and occurred_at > now() - make_interval(secs => ${input.coalesce.withinSeconds})
      and details @> ${JSON.stringify(input.coalesce.match ?? {})}::jsonb
    limit 1`);
  return found.length > 0;
}

async function recentlyRecorded(
  tx: Tx,
  row: { actorId: string | null; action: string; fileId: string | null },
  coalesce: NonNullable<AuditInput["coalesce"]>,
): Promise<boolean> {
  const key = `${row.actorId}|${row.action}|${row.fileId}|${JSON.stringify(coalesce.match ?? {})}`;
  // Serialises only the same actor repeating the same read, so two racing polls still make one row.
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_CLASS + 1}, hashtext(${key}))`);
  const found = await tx.execute(sql`
    select 1 from audit_events
    where file_id = ${row.fileId} and action = ${row.action} and actor_id = ${row.actorId}
      and occurred_at > now() - make_interval(secs => ${coalesce.withinSeconds})
      and details @> ${JSON.stringify(coalesce.match ?? {})}::jsonb
    limit 1`);
  return found.length > 0;
}
