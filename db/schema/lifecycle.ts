import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { files } from "./files";
import { users } from "./users";

/** The cold classes a policy moves files to (S3 storage class names). */
export const archiveClassEnum = pgEnum("archive_class", ["GLACIER", "DEEP_ARCHIVE"]);

/**
 * Archive rules (L2), edited by admins. A file matches a rule when every condition the rule sets holds
 * (age from its upload, days since its last access or upload, size); among the enabled rules that match,
 * the coldest destination wins, then the lowest `position`.
 */
export const archivePolicies = pgTable("archive_policies", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  position: integer("position").notNull(),
  minAgeDays: integer("min_age_days"),
  minUnreadDays: integer("min_unread_days"),
  minSizeBytes: bigint("min_size_bytes", { mode: "number" }),
  destination: archiveClassEnum("destination").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const lifecycleRunKindEnum = pgEnum("lifecycle_run_kind", ["archive", "retention", "reconcile"]);
export const lifecycleRunStatusEnum = pgEnum("lifecycle_run_status", ["queued", "running", "succeeded", "failed"]);

/**
 * One run of a lifecycle job (the daily archive run now; retention and reconciliation share the table):
 * who or what started it, its status and its counts, which the workflow updates after every batch.
 */
export const lifecycleRuns = pgTable(
  "lifecycle_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: lifecycleRunKindEnum("kind").notNull(),
    status: lifecycleRunStatusEnum("status").notNull().default("queued"),
    /** `schedule` or the actor id of whoever pressed "run now". */
    trigger: text("trigger").notNull(),
    /** The moment the rules are evaluated at, fixed when the run starts so every batch agrees. */
    asOf: timestamp("as_of", { withTimezone: true }),
    counts: jsonb("counts").$type<Record<string, unknown>>().notNull().default({}),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("lifecycle_runs_kind_created_idx").on(t.kind, t.createdAt)],
);

export const retrievalTierEnum = pgEnum("retrieval_tier", ["expedited", "standard", "bulk"]);
export const retrievalStatusEnum = pgEnum("retrieval_status", ["pending", "ready", "expired", "failed"]);

/**
 * A request to bring an archived file back for `days` days. Pending until the tier's delay has passed
 * (or S3 says the restore is done), then ready (downloads work) until `expiresAt`, then expired (the file
 * is cold again).
 */
export const retrievals = pgTable(
  "retrievals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    fileId: uuid("file_id").notNull().references(() => files.id, { onDelete: "cascade" }),
    /** The file's owner, so lists are scoped like files. */
    ownerId: uuid("owner_id").notNull().references(() => users.id),
    requestedBy: text("requested_by").notNull(),
    storageClass: archiveClassEnum("storage_class").notNull(),
    tier: retrievalTierEnum("tier").notNull(),
    days: integer("days").notNull(),
    status: retrievalStatusEnum("status").notNull().default("pending"),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    estimatedCost: doublePrecision("estimated_cost").notNull(),
    estimatedReadyAt: timestamp("estimated_ready_at", { withTimezone: true }).notNull(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("retrievals_owner_created_idx").on(t.ownerId, t.createdAt),
    index("retrievals_created_idx").on(t.createdAt),
    // The download check and the sweep: a file's open retrievals.
    index("retrievals_open_file_idx").on(t.fileId).where(sql`${t.status} in ('pending', 'ready')`),
  ],
);

export type ArchivePolicy = typeof archivePolicies.$inferSelect;
export type LifecycleRun = typeof lifecycleRuns.$inferSelect;
export type Retrieval = typeof retrievals.$inferSelect;
export type ArchiveClass = (typeof archiveClassEnum.enumValues)[number];
export type RetrievalTier = (typeof retrievalTierEnum.enumValues)[number];
