import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Fixed-window rate-limit counters shared by every app instance (lib/rate-limit/limits.ts). UNLOGGED
 * (migration 0015, which drizzle cannot express): no WAL, so taking a request's counters flushes nothing.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: timestamp("expire", { withTimezone: true }),
});
