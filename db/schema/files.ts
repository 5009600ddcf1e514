import { sql } from "drizzle-orm";
import {
  bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid,
} from "drizzle-orm/pg-core";
import { apiKeys } from "./api-keys";
import type { MediaInfo } from "./processing";
import { users } from "./users";

export const fileStatusEnum = pgEnum("file_status", ["processing", "ready", "rejected", "quarantined", "failed"]);
export const storageTierEnum = pgEnum("storage_tier", ["standard", "infrequent", "archive", "deep_archive"]);

export const files = pgTable(
  "files",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id").notNull().references(() => users.id),
    filename: text("filename").notNull(),
    mimeType: text("mime_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    category: text("category").notNull().default("general"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    status: fileStatusEnum("status").notNull().default("processing"),
    statusReason: text("status_reason"),
    currentVersionId: uuid("current_version_id"),
    checksumSha256: text("checksum_sha256"),
    cameraId: text("camera_id"),
    siteId: text("site_id"),
    /** The counting event this file documents (a snapshot or clip around it); set by the uploader. */
    eventId: text("event_id"),
    capturedAt: timestamp("captured_at", { withTimezone: true }),
    /** Facts processing read from the content (EXIF, ffprobe); null until processed. */
    mediaInfo: jsonb("media_info").$type<MediaInfo>(),
    storageTier: storageTierEnum("storage_tier").notNull().default("standard"),
    legalHold: boolean("legal_hold").notNull().default(false),
    /** When the archive run moved the file's stored content to its cold class, and by which rule. */
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    archiveRuleId: text("archive_rule_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastAccessedAt: timestamp("last_accessed_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    purgeAfter: timestamp("purge_after", { withTimezone: true }),
  },
  (t) => {
    // Lists read live files only: every list index is partial on that, one per sort and scope, with the
    // id tie-breaker; ascending throughout, so a backward scan serves the descending sort (ORDER BY x DESC,
    // id DESC) and keyset paging in either direction.
    const live = sql`${t.deletedAt} is null`;
    return [
      index("files_live_owner_created_idx").on(t.ownerId, t.createdAt, t.id).where(live),
      index("files_live_created_idx").on(t.createdAt, t.id).where(live),
      index("files_live_owner_name_idx").on(t.ownerId, t.filename, t.id).where(live),
      index("files_live_name_idx").on(t.filename, t.id).where(live),
      index("files_live_owner_size_idx").on(t.ownerId, t.size, t.id).where(live),
      index("files_live_size_idx").on(t.size, t.id).where(live),
      index("files_live_owner_updated_idx").on(t.ownerId, t.updatedAt, t.id).where(live),
      index("files_live_updated_idx").on(t.updatedAt, t.id).where(live),
      index("files_live_camera_created_idx").on(t.cameraId, t.createdAt, t.id).where(live),
      index("files_live_category_created_idx").on(t.category, t.createdAt, t.id).where(live),
      // A camera fleet's account filters by camera: without the owner in front, counting its matches
      // intersected two bitmaps (190 ms at 1M files, 100 000 the owner's; 0.3 ms with this index).
      index("files_live_owner_camera_created_idx").on(t.ownerId, t.cameraId, t.createdAt, t.id).where(live),
      // The status filter looks for the few files that are not ready (processing, failed, rejected…):
      // a small index of those alone (a scan of every live file of the owner took 317 ms at 100 000).
      index("files_live_unready_idx").on(t.ownerId, t.status, t.createdAt, t.id).where(sql`${t.deletedAt} is null and ${t.status} <> 'ready'`),
      // Sort by capture time (upload time for files without one): the expression lib/files/list.ts orders by.
      index("files_live_owner_captured_idx").on(t.ownerId, sql`coalesce(${t.capturedAt}, ${t.createdAt})`, t.id).where(live),
      index("files_live_captured_idx").on(sql`coalesce(${t.capturedAt}, ${t.createdAt})`, t.id).where(live),
      // The grid's trash view (`status=trashed`), newest upload first like the live grid.
      index("files_trashed_owner_created_idx").on(t.ownerId, t.createdAt, t.id).where(sql`${t.deletedAt} is not null`),
      index("files_filename_trgm_idx").using("gin", sql`${t.filename} gin_trgm_ops`).where(live),
      index("files_tags_idx").using("gin", t.tags),
      index("files_camera_captured_idx").on(t.cameraId, t.capturedAt),
      index("files_site_captured_idx").on(t.siteId, t.capturedAt),
      // An event's media in capture order: per owner, and for the roles that see every owner's files.
      index("files_live_owner_event_captured_idx").on(t.ownerId, t.eventId, t.capturedAt, t.id).where(sql`${t.deletedAt} is null and ${t.eventId} is not null`),
      index("files_live_event_captured_idx").on(t.eventId, t.capturedAt, t.id).where(sql`${t.deletedAt} is null and ${t.eventId} is not null`),
      index("files_checksum_idx").on(t.checksumSha256),
      index("files_deleted_idx").on(t.deletedAt),
      // The trash: newest deletion first per owner (and for admins across owners), keyset-paged with the
      // id tie-breaker; and the daily purge's scan for what is due.
      index("files_trash_owner_deleted_idx").on(t.ownerId, t.deletedAt, t.id).where(sql`${t.deletedAt} is not null`),
      index("files_trash_deleted_idx").on(t.deletedAt, t.id).where(sql`${t.deletedAt} is not null`),
      index("files_trash_purge_idx").on(t.purgeAfter, t.id).where(sql`${t.deletedAt} is not null`),
    ];
  },
);

export const fileVersions = pgTable(
  "file_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    fileId: uuid("file_id").notNull().references(() => files.id),
    version: integer("version").notNull(),
    objectKey: text("object_key").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    mimeType: text("mime_type").notNull(),
    checksumSha256: text("checksum_sha256"),
    /** The SHA-256 the client said it sent, checked by processing against the stored bytes. */
    expectedSha256: text("expected_sha256"),
    storageEtag: text("storage_etag"),
    /**
     * This version's own processing outcome. A new version of a file becomes the file's current version only
     * once it is `ready`; until then (and for ever, if it fails) the previous one stays current.
     */
    status: fileStatusEnum("status").notNull().default("processing"),
    statusReason: text("status_reason"),
    /** What processing read from this version's content; copied to the file when it becomes current. */
    mediaInfo: jsonb("media_info").$type<MediaInfo>(),
    /** Set on a version recorded by a restore: the number of the version whose content it points at. */
    restoredFrom: integer("restored_from"),
    /** Set by reconciliation when the bucket has no object at `objectKey` (cleared when it is back); downloads refuse with 409 `file_missing`. */
    objectMissingAt: timestamp("object_missing_at", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id),
    /** The API key that uploaded or restored it (createdBy is then null). */
    createdByKeyId: uuid("created_by_key_id").references(() => apiKeys.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("file_versions_file_version_key").on(t.fileId, t.version),
    // A purge deletes an object only when no other version points at it.
    index("file_versions_object_key_idx").on(t.objectKey),
    // Reconciliation walks the bucket's listing (byte order) and asks for the keys between two listed keys.
    index("file_versions_object_key_c_idx").on(sql`${t.objectKey} collate "C"`),
  ],
);

export type FileRow = typeof files.$inferSelect;
export type FileVersionRow = typeof fileVersions.$inferSelect;
export type FileStatus = (typeof fileStatusEnum.enumValues)[number];
