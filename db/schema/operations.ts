import { sql } from "drizzle-orm";
import { bigint, date, index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const alertSeverityEnum = pgEnum("alert_severity", ["info", "warning", "critical"]);
export const alertStatusEnum = pgEnum("alert_status", ["open", "acknowledged", "resolved"]);

/**
 * One row per firing condition of an alert rule (lib/alerts/rules): opened when the rule first reports it,
 * kept (acknowledged or not) while the rule keeps reporting it, resolved when it no longer does. `key`
 * names the condition within its rule (an endpoint id, or the rule itself when it has one condition); the
 * partial unique index keeps one unresolved row per rule and key, so a condition cannot open twice.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    rule: text("rule").notNull(),
    key: text("key").notNull(),
    severity: alertSeverityEnum("severity").notNull(),
    status: alertStatusEnum("status").notNull().default("open"),
    title: text("title").notNull(),
    /** What the rule measured when it last saw the condition (counts, thresholds, ids). */
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: uuid("acknowledged_by").references(() => users.id),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("alerts_unresolved_rule_key").on(t.rule, t.key).where(sql`${t.status} <> 'resolved'`),
    index("alerts_status_opened_idx").on(t.status, t.openedAt.desc()),
    index("alerts_opened_idx").on(t.openedAt.desc()),
  ],
);

/**
 * Storage per day, one row per dimension and value (`tier` → standard…, `camera` → a camera id or "" for
 * files without one, `total` → ""), written by the daily `storage-snapshot` workflow; the dashboard draws
 * its history from here instead of scanning the files table for every past day. Re-running a day replaces it.
 */
export const storageSnapshots = pgTable(
  "storage_snapshots",
  {
    day: date("day", { mode: "string" }).notNull(),
    dimension: text("dimension").notNull(),
    value: text("value").notNull(),
    files: bigint("files", { mode: "number" }).notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    takenAt: timestamp("taken_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.day, t.value] })],
);

export type AlertRow = typeof alerts.$inferSelect;
export type AlertSeverity = (typeof alertSeverityEnum.enumValues)[number];
export type AlertStatus = (typeof alertStatusEnum.enumValues)[number];
export type StorageSnapshotRow = typeof storageSnapshots.$inferSelect;
