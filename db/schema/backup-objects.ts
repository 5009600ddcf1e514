import { bigint, boolean, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";

/**
 * A running backup's work list (lib/backup/run-objects.ts): the objects its snapshot's rows reference, one row
 * each, numbered so a chunk (BACKUP_CHUNK_FILES of them, one workflow step) is a range of `seq`. A chunk
 * records what it copied on the rows, so a retried or resumed chunk copies only what is left; the manifest
 * is written from these rows, and they are deleted once the set is finished.
 */
export const backupObjects = pgTable(
  "backup_objects",
  {
    setId: uuid("set_id").notNull(),
    seq: integer("seq").notNull(),
    /** The key in the media bucket. */
    objectKey: text("object_key").notNull(),
    /** Known from the rows (blobs, checksummed versions) or from an earlier kept manifest; else hashed by the copy. */
    sha256: text("sha256"),
    size: bigint("size", { mode: "number" }).notNull(),
    contentType: text("content_type"),
    /** The chunk handled it: it is in the backup store, copied by `copiedIn` (this set or an earlier kept one). */
    done: boolean("done").notNull().default(false),
    copiedIn: uuid("copied_in"),
    /** Bytes this set wrote for it (0 when an earlier set, or another object of this set, already held the content). */
    bytesCopied: bigint("bytes_copied", { mode: "number" }).notNull().default(0),
    /** The object was gone from the media bucket and no row names it any more (moved after the epoch). */
    gone: boolean("gone").notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.setId, t.seq] }), index("backup_objects_set_sha_idx").on(t.setId, t.sha256)],
);

export type BackupObject = typeof backupObjects.$inferSelect;
