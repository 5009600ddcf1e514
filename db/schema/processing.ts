import { sql } from "drizzle-orm";
import { bigint, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { files, fileVersions } from "./files";

/**
 * Content-addressed storage: one object per distinct SHA-256 under `blobs/sha256/<hash>`, shared by
 * every version with those bytes. `refCount` counts the versions pointing at it; the bytes may only
 * be deleted when it reaches zero.
 */
export const blobs = pgTable(
  "blobs",
  {
    sha256: text("sha256").primaryKey(),
    objectKey: text("object_key").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    refCount: integer("ref_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The blob sweep's work list: blobs a purge left without references.
  (t) => [
    index("blobs_unreferenced_idx").on(t.updatedAt).where(sql`${t.refCount} = 0`),
    // Reconciliation's range reads in the bucket listing's byte order.
    index("blobs_object_key_c_idx").on(sql`${t.objectKey} collate "C"`),
  ],
);

export const processingJobStatusEnum = pgEnum("processing_job_status", ["queued", "running", "succeeded", "failed"]);

/**
 * The app's own record of background work, independent of the workflow engine: what was asked, how
 * far it got, how often it ran and why it last failed. The sweep re-sends work stuck here, and the
 * admin Jobs page reads it.
 */
export const processingJobs = pgTable(
  "processing_jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").notNull(),
    fileId: uuid("file_id").notNull().references(() => files.id),
    versionId: uuid("version_id").notNull().references(() => fileVersions.id),
    status: processingJobStatusEnum("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    /** The step the work last reached. */
    step: text("step"),
    lastError: text("last_error"),
    /** Times the sweep or an admin re-sent the work. */
    resends: integer("resends").notNull().default(0),
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("processing_jobs_kind_version_key").on(t.kind, t.versionId),
    index("processing_jobs_status_updated_idx").on(t.status, t.updatedAt),
    index("processing_jobs_queued_idx").on(t.queuedAt.desc()),
    // A purge deletes a file's jobs, and the foreign keys from here are checked on every file and version deleted.
    index("processing_jobs_file_idx").on(t.fileId),
    index("processing_jobs_version_idx").on(t.versionId),
  ],
);

/**
 * Derived images of a version: the thumbnail, preview and video poster made by processing, and the
 * format conversions made on download. Keys are immutable (derived from the version and the recipe).
 */
export const fileVariants = pgTable(
  "file_variants",
  {
    versionId: uuid("version_id").notNull().references(() => fileVersions.id),
    /** thumbnail | preview | poster | `convert-<format>-q<quality>` */
    name: text("name").notNull(),
    objectKey: text("object_key").notNull(),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    width: integer("width"),
    height: integer("height"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.name] }),
    // A purge deletes a variant's object only when no other row points at it.
    index("file_variants_object_key_idx").on(t.objectKey),
    // Reconciliation's range reads in the bucket listing's byte order.
    index("file_variants_object_key_c_idx").on(sql`${t.objectKey} collate "C"`),
  ],
);

/** What processing learnt from the content: EXIF for images, ffprobe facts for video. */
export interface MediaInfo {
  kind: "image" | "video";
  width?: number;
  height?: number;
  format?: string;
  orientation?: number;
  capturedAt?: string;
  cameraMake?: string;
  cameraModel?: string;
  gps?: { lat: number; lon: number };
  durationSeconds?: number;
  videoCodec?: string;
  audioCodec?: string;
  /** Set when the content passed the checks but could not be decoded for metadata or variants. */
  unreadable?: string;
}

export type Blob = typeof blobs.$inferSelect;
export type ProcessingJob = typeof processingJobs.$inferSelect;
export type FileVariant = typeof fileVariants.$inferSelect;
export type ProcessingJobStatus = (typeof processingJobStatusEnum.enumValues)[number];
