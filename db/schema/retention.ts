import { sql } from "drizzle-orm";
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { archiveClassEnum } from "./lifecycle";

export const retentionScopeEnum = pgEnum("retention_scope", ["camera", "site", "category"]);
export const retentionActionEnum = pgEnum("retention_action", ["delete", "archive"]);

/**
 * Retention rules (L4), edited by admins: files of one camera, site or category are kept `keepDays` after
 * their upload, then trashed or archived to `destination`. Which rule decides a file: see lib/retention/decide.ts.
 */
export const retentionRules = pgTable("retention_rules", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  scope: retentionScopeEnum("scope").notNull(),
  /** The camera id, site id or category the rule applies to. */
  scopeValue: text("scope_value").notNull(),
  keepDays: integer("keep_days").notNull(),
  action: retentionActionEnum("action").notNull(),
  /** Set when `action` is archive. */
  destination: archiveClassEnum("destination"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const legalHoldScopeEnum = pgEnum("legal_hold_scope", ["file", "camera", "event"]);

/**
 * A legal hold on one file, every file of a camera, or every file of a counting event. Active until
 * `releasedAt`; rows stay for the record. `files.legal_hold` mirrors "some active hold covers this file"
 * (kept by lib/retention/holds.ts and a trigger for files recorded or re-pointed later).
 */
export const legalHolds = pgTable(
  "legal_holds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scope: legalHoldScopeEnum("scope").notNull(),
    /** No foreign key: a released hold keeps naming the file after it is purged. */
    fileId: uuid("file_id"),
    cameraId: text("camera_id"),
    eventId: text("event_id"),
    reason: text("reason").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    releasedBy: text("released_by"),
    releasedAt: timestamp("released_at", { withTimezone: true }),
  },
  (t) => [
    index("legal_holds_active_file_idx").on(t.fileId).where(sql`${t.releasedAt} is null`),
    index("legal_holds_active_camera_idx").on(t.cameraId).where(sql`${t.releasedAt} is null`),
    index("legal_holds_active_event_idx").on(t.eventId).where(sql`${t.releasedAt} is null`),
    index("legal_holds_created_idx").on(t.createdAt),
  ],
);

export type RetentionRule = typeof retentionRules.$inferSelect;
export type LegalHold = typeof legalHolds.$inferSelect;
