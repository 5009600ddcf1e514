import "server-only";
import { and, desc, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditEvents, type AuditEvent } from "@/db/schema";
import type { ListAuditQuery } from "./schemas";

export function toApiAuditEvent(e: AuditEvent) {
  return {
    id: e.id,
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    fileId: e.fileId,
    outcome: e.outcome,
    ip: e.ip,
    userAgent: e.userAgent,
    details: e.details,
    hash: e.hash,
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

/** Newest first, keyset-paged on the chain position so deep pages stay as fast as the first. */
export async function listAuditEvents(query: ListAuditQuery) {
  const rows = await getDb()
    .select()
    .from(auditEvents)
    .where(and(auditFilter(query), query.cursor ? lt(auditEvents.seq, query.cursor) : undefined))
    .orderBy(desc(auditEvents.seq))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    events: page.map(toApiAuditEvent),
    nextCursor: rows.length > query.limit ? String(page.at(-1)!.seq) : null,
  };
}
