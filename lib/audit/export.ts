import "server-only";
import { asc, gt, and } from "drizzle-orm";
import { getDb } from "@/db/client";
import { auditEvents } from "@/db/schema";
import { auditFilter } from "./query";
import type { ListAuditQuery } from "./schemas";

const COLUMNS = ["id", "seq", "occurredAt", "actorType", "actorId", "action", "fileId", "outcome", "ip", "userAgent", "details", "hash"] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  // Spreadsheet formula injection: a cell starting with these is read as a formula.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV of the filtered log, oldest first, read in batches so any size streams in constant memory. */
export function exportAuditCsv(query: Omit<ListAuditQuery, "cursor" | "limit">): ReadableStream<Uint8Array> {
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
        .select()
        .from(auditEvents)
        .where(and(auditFilter(query), gt(auditEvents.seq, after)))
        .orderBy(asc(auditEvents.seq))
        .limit(1000);
      if (rows.length === 0) return controller.close();
      after = rows.at(-1)!.seq!;
      controller.enqueue(encoder.encode(rows.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(",")).join("\n") + "\n"));
    },
  });
}
