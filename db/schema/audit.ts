import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Append-only log of file and security events. No foreign keys on purpose: the trail must outlive
 * the rows it talks about. Triggers (migration 0001) refuse UPDATE and DELETE and chain every row:
 * `hash` = SHA-256 of the previous row's hash and this row's content, so any change is detectable.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** Position in the hash chain: set (and made NOT NULL) by the insert trigger, under a lock, since ids can commit out of order. */
    seq: bigint("seq", { mode: "number" }),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    fileId: uuid("file_id"),
    outcome: text("outcome").notNull().default("success"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_events_file_idx").on(t.fileId, t.id),
    index("audit_events_actor_idx").on(t.actorId, t.id),
    index("audit_events_action_idx").on(t.action, t.id),
    index("audit_events_occurred_idx").on(t.occurredAt),
    uniqueIndex("audit_events_seq_key").on(t.seq),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
