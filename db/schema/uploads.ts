import { sql } from "drizzle-orm";
import { bigint, boolean, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const uploadModeEnum = pgEnum("upload_mode", ["single", "multipart"]);
export const uploadStatusEnum = pgEnum("upload_status", ["pending", "completed", "aborted", "expired"]);

/** A browser upload in flight: the app signs requests only for the object key recorded here. */
export const uploadSessions = pgTable(
  "upload_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id").notNull().references(() => users.id),
    fileId: uuid("file_id").notNull(),
    /** The upload is a new version of the existing file `fileId`, not a new file. */
    newVersion: boolean("new_version").notNull().default(false),
    versionId: uuid("version_id").notNull(),
    objectKey: text("object_key").notNull(),
    filename: text("filename").notNull(),
    mimeType: text("mime_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    category: text("category").notNull().default("general"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    eventId: text("event_id"),
    mode: uploadModeEnum("mode").notNull(),
    s3UploadId: text("s3_upload_id"),
    status: uploadStatusEnum("status").notNull().default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("upload_sessions_object_key_key").on(t.objectKey),
    index("upload_sessions_owner_status_idx").on(t.ownerId, t.status),
    index("upload_sessions_expires_idx").on(t.status, t.expiresAt),
    // A purge deletes the file's sessions.
    index("upload_sessions_file_idx").on(t.fileId),
  ],
);

export type UploadSession = typeof uploadSessions.$inferSelect;
