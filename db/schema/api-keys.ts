import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * Keys for cameras, edge boxes and other systems. Only a SHA-256 of the secret is stored (the secret
 * is random, so a slow hash adds nothing); `prefix` is the public part used to find the row.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id").notNull().references(() => users.id),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    /** When set, the key only sees and writes files of this camera. */
    cameraId: text("camera_id"),
    /** When set, the key only sees and writes files whose name starts with this. */
    filenamePrefix: text("filename_prefix"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("api_keys_prefix_key").on(t.prefix), index("api_keys_owner_idx").on(t.ownerId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
