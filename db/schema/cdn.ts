import { doublePrecision, bigserial, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Edge paths waiting to be invalidated. Changes (a new current version, a restore, a delete, a purge, an
 * archive) insert their paths in the same transaction as the change; the `drain-cdn-invalidations` workflow
 * takes them in batches and deletes them in the transaction that records the invalidation.
 */
export const cdnInvalidationQueue = pgTable(
  "cdn_invalidation_queue",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    path: text("path").notNull(),
    /** What made it stale, e.g. `trash:<fileId>`. */
    reason: text("reason").notNull(),
    enqueuedAt: timestamp("enqueued_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("cdn_invalidation_queue_enqueued_idx").on(t.enqueuedAt, t.id)],
);

export const cdnInvalidationStatusEnum = pgEnum("cdn_invalidation_status", ["pending", "in_progress", "completed", "failed"]);

/** One invalidation request sent (or about to be sent) to the CDN provider. */
export const cdnInvalidations = pgTable(
  "cdn_invalidations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    provider: text("provider").notNull(),
    /** The provider's id for it (CloudFront's invalidation id); null until accepted. */
    providerId: text("provider_id"),
    /** Sent as CloudFront's CallerReference: a retried request is the same invalidation, never a second one. */
    callerReference: text("caller_reference").notNull(),
    paths: text("paths").array().notNull(),
    /** Paths as the provider bills them (a wildcard counts as one). */
    pathCount: integer("path_count").notNull(),
    /** Estimated cost in USD at the time it was planned (the month's free paths taken into account). */
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    status: cdnInvalidationStatusEnum("status").notNull().default("pending"),
    /** Requests made, including those refused with TooManyInvalidationsInProgress. */
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [index("cdn_invalidations_created_idx").on(t.createdAt, t.id), index("cdn_invalidations_status_idx").on(t.status)],
);

export type CdnInvalidationRow = typeof cdnInvalidations.$inferSelect;
