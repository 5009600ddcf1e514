/**
 * The backup store's format: the contract between backup runs (lib/backup/run*), verification, retention,
 * restore (lib/backup/restore*) and the operator's `npm run restore`. Plain Node (no "server-only", no env):
 * the restore command uses it without the app.
 *
 * Layout of a backup bucket:
 *   sets/<setId>/db/<table>.copy.gz.enc   one table's rows: `COPY <table> TO STDOUT` (text format), gzip,
 *                                          then AES-256-GCM (iv and tag in the manifest)
 *   sets/<setId>/manifest.json            the set's manifest (ManifestSchema), written LAST: its commit marker
 *   content/<sha256>                       one stored object per distinct content, copied verbatim
 *                                          (server-side CopyObject on the same endpoint, streamed otherwise);
 *                                          shared by every set that references it (incrementals copy only
 *                                          hashes no earlier kept set holds)
 * A set without manifest.json is not a backup: a run that died half-way, to be resumed or cleaned.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { Transform } from "node:stream";
import { z } from "zod";

export const MANIFEST_FORMAT = 1;

export function setPrefix(setId: string): string {
  return `sets/${setId}/`;
}
export function manifestKey(setId: string): string {
  return `sets/${setId}/manifest.json`;
}
export function tableDumpKey(setId: string, table: string): string {
  return `sets/${setId}/db/${table}.copy.gz.enc`;
}
export function contentKey(sha256: string): string {
  return `content/${sha256}`;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const TableDumpSchema = z.object({
  /** Table name in the `public` schema. */
  name: z.string().min(1),
  rows: z.number().int().min(0),
  /** SHA-256 and length of the plain COPY text (before gzip and encryption). */
  sha256: sha256Hex,
  bytes: z.number().int().min(0),
  /** Where the dump lives in the backup bucket, its stored size, and the AES-256-GCM iv and tag (hex). */
  key: z.string().min(1),
  storedBytes: z.number().int().min(0),
  iv: z.string().regex(/^[0-9a-f]{24}$/),
  authTag: z.string().regex(/^[0-9a-f]{32}$/),
});

export const ManifestObjectSchema = z.object({
  /** The object's key in the media bucket (originals/…, blobs/…, variants…): where a restore puts it back. */
  key: z.string().min(1),
  /** SHA-256 and size of the stored bytes. */
  sha256: sha256Hex,
  size: z.number().int().min(0),
  /** Where it lives in the backup bucket (contentKey(sha256)). */
  location: z.string().min(1),
  /** The set that copied it (this one, or an earlier kept set). */
  copiedIn: z.string().uuid(),
  /** Content-Type to put back, when the source object had one. */
  contentType: z.string().optional(),
});

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  setId: z.string().uuid(),
  type: z.enum(["full", "incremental"]),
  /** An incremental's full set (retention never keeps an incremental without it); null for a full. */
  baseSetId: z.string().uuid().nullable(),
  /** The snapshot: its time, `pg_current_wal_lsn()` inside the snapshot transaction, the last applied migration tag. */
  epoch: z.string().datetime({ offset: true }),
  lsn: z.string().min(1),
  lastMigration: z.string().min(1),
  startedAt: z.string().datetime({ offset: true }),
  finishedAt: z.string().datetime({ offset: true }),
  encryption: z.object({
    algorithm: z.literal("aes-256-gcm"),
    /** keyId(key): which key encrypted the dumps, so a restore with the wrong key fails clearly. */
    keyId: z.string().min(1),
  }),
  /** Every table dumped, in the order a restore loads them (parents before children). */
  tables: z.array(TableDumpSchema),
  /** EVERY object the snapshot's rows reference (not only those this set copied): a set restores on its own. */
  objects: z.array(ManifestObjectSchema),
  totals: z.object({
    objects: z.number().int().min(0),
    bytes: z.number().int().min(0),
    objectsCopied: z.number().int().min(0),
    bytesCopied: z.number().int().min(0),
    databaseBytes: z.number().int().min(0),
  }),
});

export type TableDump = z.infer<typeof TableDumpSchema>;
export type ManifestObject = z.infer<typeof ManifestObjectSchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

/** Parses BACKUP_ENCRYPTION_KEY: 64 hex characters or base64 of 32 bytes. */
export function parseEncryptionKey(text: string): Buffer {
  const hex = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, "hex") : null;
  const key = hex ?? Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error("the backup encryption key must be 32 bytes (64 hex characters or base64)");
  return key;
}

/** A short, non-secret name for a key (first 16 hex of SHA-256 of the key). */
export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/** AES-256-GCM over a stream; `authTag()` is readable once the stream has ended. */
export function encryptStream(key: Buffer): { stream: Transform; iv: string; authTag: () => string } {
  const ivBytes = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, ivBytes);
  return { stream: cipher, iv: ivBytes.toString("hex"), authTag: () => cipher.getAuthTag().toString("hex") };
}

/** The reverse of encryptStream; the stream errors at its end if the bytes or the tag were tampered with. */
export function decryptStream(key: Buffer, iv: string, authTag: string): Transform {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "hex"));
  decipher.setAuthTag(Buffer.from(authTag, "hex"));
  return decipher;
}

/** A pass-through that counts and hashes what flows through it (SHA-256 hex). */
export function hashingStream(): { stream: Transform; digest: () => { sha256: string; bytes: number } } {
  const hash = createHash("sha256");
  let bytes = 0;
  let result: { sha256: string; bytes: number } | null = null;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  return {
    stream,
    digest: () => (result ??= { sha256: hash.digest("hex"), bytes }),
  };
}
