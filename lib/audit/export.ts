import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditChain, auditEvents } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { auditFilter, toApiAuditEvent } from "./query";
import type { ListAuditQuery } from "./schemas";

const COLUMNS = ["id", "seq", "occurredAt", "actorType", "actorId", "action", "fileId", "outcome", "ip", "userAgent", "details", "hash"] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  // Spreadsheet formula injection: a cell starting with these is read as a formula.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV of the filtered log, oldest first, read in batches so any size streams in constant memory. */
export function exportAuditCsv(_ctx: ServiceContext, query: Omit<ListAuditQuery, "cursor" | "limit">): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = 0;
  let headerSent = false;
  return new ReadableStream({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(COLUMNS.join(",") + "\n"));
      }
      const rows = await getDb()
        .select({ event: auditEvents, link: { seq: auditChain.seq, hash: auditChain.hash } })
        .from(auditEvents)
        .leftJoin(auditChain, eq(auditChain.eventId, auditEvents.id))
        .where(and(auditFilter(query), gt(auditEvents.id, after)))
        .orderBy(asc(auditEvents.id))
        .limit(1000);
      if (rows.length === 0) return controller.close();
      after = rows.at(-1)!.event.id;
      const lines = rows.map((r) => toApiAuditEvent(r.event, r.link)).map((e) => COLUMNS.map((c) => csvCell(e[c])).join(","));
      controller.enqueue(encoder.encode(lines.join("\n") + "\n"));
    },
  });
}
