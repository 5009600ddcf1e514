import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

/**
 * An SSO identity (the provider's issuer and subject) linked to an account. Sign-ins follow this link,
 * never the email alone: an email can change hands at the provider, the subject cannot.
 */
export const externalIdentities = pgTable(
  "external_identities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    /** The verified email the provider sent when the link was made (for admins reading the table). */
    email: text("email").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("external_identities_issuer_subject_key").on(t.issuer, t.subject), index("external_identities_user_idx").on(t.userId)],
);

export type ExternalIdentity = typeof externalIdentities.$inferSelect;
