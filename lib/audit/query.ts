import "server-only";
import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditChain, auditEvents, type AuditChainLink, type AuditEvent } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { countTotal } from "@/lib/paging/total";
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
    requestId: e.requestId,
    hash: link?.hash ?? null,
  };
}
export type ApiAuditEvent = ReturnType<typeof toApiAuditEvent>;


export function auditFilter(query: Omit<ListAuditQuery, "cursor" | "limit" | "page">): SQL | undefined {
  return and(
    query.actor ? eq(auditEvents.actorId, query.actor) : undefined,
    query.action ? eq(auditEvents.action, query.action) : undefined,
    query.fileId ? eq(auditEvents.fileId, query.fileId) : undefined,
    query.outcome ? eq(auditEvents.outcome, query.outcome) : undefined,
    query.from ? gte(auditEvents.occurredAt, new Date(query.from)) : undefined,
    query.to ? lte(auditEvents.occurredAt, new Date(query.to)) : undefined,
  );
}

/**
 * Reads a page of events with their chain links, newest first: keyset-paged on the id after `cursor`
 * (any depth at the cost of the first page), or by `page` without one. Each filter has an index that
 * ends in the id (db/schema/audit.ts), so a page reads only its own rows.
 */
export async function readAuditPage(query: ListAuditQuery) {
  const filters = auditFilter(query);
  const [rows, counted] = await Promise.all([
    getDb()
      .select({ event: auditEvents, link: { seq: auditChain.seq, hash: auditChain.hash } })
      .from(auditEvents)
      .leftJoin(auditChain, eq(auditChain.eventId, auditEvents.id))
      .where(and(filters, query.cursor ? lt(auditEvents.id, query.cursor) : undefined))
      .orderBy(desc(auditEvents.id))
      .limit(query.limit + 1)
      .offset(query.cursor ? 0 : (query.page - 1) * query.limit),
    countTotal(auditEvents, filters, { trustEstimate: true }),
  ]);
  const page = rows.slice(0, query.limit);
  const nextCursor = rows.length > query.limit ? String(page.at(-1)!.event.id) : null;
  return {
    rows: page,
    nextCursor,
    pagination: {
      page: query.cursor ? null : query.page,
      limit: query.limit,
      total: counted.total,
      totalPages: Math.ceil(counted.total / query.limit),
      totalExact: counted.exact,
      nextCursor,
    },
  };
}

/** The whole log, filtered, for auditors and admins (the route checks `audit.read`). */
export async function listAuditEvents(_ctx: ServiceContext, query: ListAuditQuery) {
  const { rows, nextCursor, pagination } = await readAuditPage(query);
  return { events: rows.map((r) => toApiAuditEvent(r.event, r.link)), nextCursor, pagination };
}
