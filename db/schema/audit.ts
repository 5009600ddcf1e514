import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Append-only log of file and security events. No foreign keys on purpose: the trail must outlive
 * the rows it talks about. Rows are written in the change's own transaction, with no lock and no
 * hash; triggers refuse UPDATE, DELETE and TRUNCATE, and the app's role has only INSERT and SELECT.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    action: text("action").notNull(),
    fileId: uuid("file_id"),
    outcome: text("outcome").notNull().default("success"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    /** The request that made the change (X-Request-Id, also on its log lines); null for work no request started. */
    requestId: text("request_id"),
  },
  (t) => [
    index("audit_events_file_idx").on(t.fileId, t.id),
    index("audit_events_actor_idx").on(t.actorId, t.id),
    index("audit_events_action_idx").on(t.action, t.id),
    // The list pages newest first by id under each filter: every filter's index ends in the id.
    index("audit_events_outcome_idx").on(t.outcome, t.id),
    index("audit_events_occurred_idx").on(t.occurredAt),
  ],
);

/**
 * The keyed hash chain over audit_events, extended by the sealer (lib/audit/seal.ts) seconds behind
 * the writes: `hash` = HMAC-SHA256(AUDIT_HMAC_KEY, previous hash, seq, the event's canonical content).
 * Insert-only like the log itself; the sealer chooses the order, so events committed out of id order
 * are simply sealed in the next batch.
 */
export const auditChain = pgTable("audit_chain", {
  seq: bigint("seq", { mode: "number" }).primaryKey(),
  eventId: bigint("event_id", { mode: "number" }).notNull().unique("audit_chain_event_id_key"),
  hash: text("hash").notNull(),
  sealedAt: timestamp("sealed_at", { withTimezone: true }).notNull().defaultNow(),
});

export type AuditEvent = typeof auditEvents.$inferSelect;
export type AuditChainLink = typeof auditChain.$inferSelect;
