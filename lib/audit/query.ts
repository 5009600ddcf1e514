import "server-only";
import { and, desc, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditChain, auditEvents, type AuditChainLink, type AuditEvent } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import type { ListAuditQuery } from "./schemas";

/** An event with its place in the chain; `seq` and `hash` stay null until the sealer reaches it. */
export function toApiAuditEvent(e: AuditEvent, link: Pick<AuditChainLink, "seq" | "hash"> | null) {
  return {
    id: e.id,
    seq: link?.seq ?? null,
    occurredAt: e.occurredAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    fileId: e.fileId,
    outcome: e.outcome,
    ip: e.ip,
    userAgent: e.userAgent,
    details: e.details,
    hash: link?.hash ?? null,
  };
}
export type ApiAuditEvent = ReturnType<typeof toApiAuditEvent>;

export function auditFilter(query: Omit<ListAuditQuery, "cursor" | "limit">): SQL | undefined {
  return and(
    query.actor ? eq(auditEvents.actorId, query.actor) : undefined,
    query.action ? eq(auditEvents.action, query.action) : undefined,
    query.fileId ? eq(auditEvents.fileId, query.fileId) : undefined,
    query.outcome ? eq(auditEvents.outcome, query.outcome) : undefined,
    query.from ? gte(auditEvents.occurredAt, new Date(query.from)) : undefined,
    query.to ? lte(auditEvents.occurredAt, new Date(query.to)) : undefined,
  );
}

/** Reads a page of events with their chain links, newest first, keyset-paged on the id. */
export async function readAuditPage(query: ListAuditQuery) {
  const rows = await getDb()
    .select({ event: auditEvents, link: { seq: auditChain.seq, hash: auditChain.hash } })
    .from(auditEvents)
    .leftJoin(auditChain, eq(auditChain.eventId, auditEvents.id))
    .where(and(auditFilter(query), query.cursor ? lt(auditEvents.id, query.cursor) : undefined))
    .orderBy(desc(auditEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return { rows: page, nextCursor: rows.length > query.limit ? String(page.at(-1)!.event.id) : null };
}

/** The whole log, filtered, for auditors and admins (the route checks `audit.read`). */
export async function listAuditEvents(_ctx: ServiceContext, query: ListAuditQuery) {
  const { rows, nextCursor } = await readAuditPage(query);
  return { events: rows.map((r) => toApiAuditEvent(r.event, r.link)), nextCursor };
}
