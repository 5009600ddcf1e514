import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const backupTypeEnum = pgEnum("backup_type", ["full", "incremental"]);
/**
 * running → verifying → completed (manifest written and re-read) | failed (died, a copy failed, or
 * verification failed) ; expired once retention removed a completed set from the backup store.
 */
export const backupStatusEnum = pgEnum("backup_status", ["running", "verifying", "completed", "failed", "expired"]);
export const backupCheckEnum = pgEnum("backup_check", ["pending", "passed", "failed"]);
export const restoreStatusEnum = pgEnum("restore_status", ["queued", "running", "completed", "failed"]);

/**
 * One backup set (B1): a database snapshot and the objects its rows reference, taken as one consistent
 * point. The set's manifest in the backup store (lib/backup/format.ts) is its commit marker; this row is the
 * app's view of it (history, progress, verification, the weekly drill). The backup store is the truth: a
 * set whose manifest is missing is not a backup, whatever this row says.
 */
export const backupSets = pgTable(
  "backup_sets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    type: backupTypeEnum("type").notNull(),
    status: backupStatusEnum("status").notNull().default("running"),
    /** `schedule` or `manual`. */
    trigger: text("trigger").notNull(),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    /** An incremental's full set; null for a full. */
    baseSetId: uuid("base_set_id"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** The snapshot's time and WAL position (the epoch). */
    epochAt: timestamp("epoch_at", { withTimezone: true }),
    lsn: text("lsn"),
    lastMigration: text("last_migration"),
    /** Objects the snapshot references, and those this run copied (the rest an earlier kept set holds). */
    objects: integer("objects").notNull().default(0),
    objectsCopied: integer("objects_copied").notNull().default(0),
    bytesTotal: bigint("bytes_total", { mode: "number" }).notNull().default(0),
    bytesCopied: bigint("bytes_copied", { mode: "number" }).notNull().default(0),
    /** Stored (compressed, encrypted) size of the table dumps. */
    databaseBytes: bigint("database_bytes", { mode: "number" }).notNull().default(0),
    /** Progress of the running phase, for the Backups page: `{ phase, done, total }`. */
    progress: jsonb("progress").$type<{ phase: string; done: number; total: number }>(),
    error: text("error"),
    verification: backupCheckEnum("verification").notNull().default("pending"),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    verificationError: text("verification_error"),
    /** The last restore drill of this set (B3): its result and duration, the measured RTO. */
    drill: backupCheckEnum("drill"),
    drillAt: timestamp("drill_at", { withTimezone: true }),
    drillDurationMs: integer("drill_duration_ms"),
    drillError: text("drill_error"),
    /** Written to the secondary backup store too (BACKUP_SECONDARY_S3_*). */
    secondaryCopied: boolean("secondary_copied").notNull().default(false),
    expiredAt: timestamp("expired_at", { withTimezone: true }),
  },
  (t) => [
    index("backup_sets_started_idx").on(t.startedAt.desc()),
    // One run at a time is kept by an advisory lock (lib/backup); this index keeps it true in the table too.
    uniqueIndex("backup_sets_one_running").on(sql`(true)`).where(sql`${t.status} in ('running', 'verifying')`),
  ],
);

/**
 * A restore (B4) from a kept set, or its dry run: followed at GET /api/v1/restores/{id}. `scope` is the
 * request's scope (`{ fileIds }`, `{ cameraId }`, `{ siteId }`, `{ eventId }`, `{ capturedFrom, capturedTo }`
 * or "all"); `result` lists what was (or, for a dry run, would be) restored, skipped and why.
 */
export const backupRestores = pgTable(
  "backup_restores",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    setId: uuid("set_id").notNull(),
    scope: jsonb("scope").$type<unknown>().notNull(),
    dryRun: boolean("dry_run").notNull(),
    /** Files changed after the set's epoch are restored too (listed with newer: true either way). */
    overwriteNewer: boolean("overwrite_newer").notNull().default(false),
    status: restoreStatusEnum("status").notNull().default("queued"),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    progress: jsonb("progress").$type<{ phase: string; done: number; total: number }>(),
    result: jsonb("result").$type<Record<string, unknown>>(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("backup_restores_created_idx").on(t.createdAt.desc())],
);

export type BackupSet = typeof backupSets.$inferSelect;
export type BackupRestore = typeof backupRestores.$inferSelect;
