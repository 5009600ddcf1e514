import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Objects whose last row went away, waiting to be deleted from S3. A purge writes them in the same
 * transaction that deletes the rows, and deletes the objects after it commits; a crash in between
 * leaves them here for the next run, never a row pointing at a missing object. Shared blobs are not
 * listed here: they go by their reference count (`blobs.ref_count = 0`, see lib/files/blob-sweep.ts).
 */
export const objectDeletions = pgTable("object_deletions", {
  objectKey: text("object_key").primaryKey(),
  /** Why it is no longer needed, e.g. `purge:<fileId>`. */
  reason: text("reason").notNull(),
  requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
});

export type ObjectDeletion = typeof objectDeletions.$inferSelect;
