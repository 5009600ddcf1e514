import { bigint, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * Bytes each owner's files take, every uploaded version and the trash included (a restore, which stores
 * nothing, counts nothing), kept by triggers on `file_versions` in the same transaction as every insert,
 * delete or size change (migrations 0014, 0018), so the quota check reads one row instead of summing. Its row is also the per-owner lock that orders concurrent quota checks.
 */
export const ownerUsage = pgTable("owner_usage", {
  ownerId: uuid("owner_id").primaryKey().references(() => users.id),
  bytesStored: bigint("bytes_stored", { mode: "number" }).notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
