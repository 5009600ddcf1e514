import "server-only";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand, GetObjectCommand, GetObjectLockConfigurationCommand, GetObjectRetentionCommand, HeadObjectCommand, ListObjectsV2Command,
  ListObjectVersionsCommand, PutObjectRetentionCommand, type S3Client,
  type HeadObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { env } from "@/lib/env";
import { makeS3Client, type S3Connection } from "@/lib/storage/s3-client";
import { setLifetimeDays } from "./lifetime";

/**
 * A backup store (BACKUP_S3_*, and the optional BACKUP_SECONDARY_S3_*): a bucket of its own, created with
 * Object Lock (README "Backups"). `serverSideCopy` says whether objects can go there by CopyObject from the
 * media bucket: only when the store shares the media store's endpoint and credentials (the same S3 account);
 * otherwise they are streamed through the app.
 */
export interface BackupStore {
  name: "primary" | "secondary";
  client: S3Client;
  bucket: string;
  serverSideCopy: boolean;
}

const globalForBackup = globalThis as unknown as { framevaultBackupStores?: BackupStore[] };

/** Copies of large dumps and objects: longer waits than the media client's. */
function makeClient(o: S3Connection): S3Client {
  return makeS3Client(o, { maxSockets: 64, requestTimeoutMs: 120_000, socketTimeoutMs: 300_000 });
}

/** The primary store first, then the secondary when configured. */
export function backupStores(): BackupStore[] {
  if (!globalForBackup.framevaultBackupStores) {
    const e = env();
    const media = { endpoint: e.S3_ENDPOINT, region: e.S3_REGION, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY };
    const primary = {
      endpoint: e.BACKUP_S3_ENDPOINT ?? media.endpoint,
      region: e.BACKUP_S3_REGION ?? media.region,
      accessKeyId: e.BACKUP_S3_ACCESS_KEY_ID ?? media.accessKeyId,
      secretAccessKey: e.BACKUP_S3_SECRET_ACCESS_KEY ?? media.secretAccessKey,
    };
    const sameAccount = (o: typeof media) =>
      new URL(o.endpoint).origin === new URL(media.endpoint).origin && o.accessKeyId === media.accessKeyId && o.secretAccessKey === media.secretAccessKey;
    const stores: BackupStore[] = [{ name: "primary", client: makeClient(primary), bucket: e.BACKUP_S3_BUCKET, serverSideCopy: sameAccount(primary) }];
    if (e.BACKUP_SECONDARY_S3_ENDPOINT && e.BACKUP_SECONDARY_S3_BUCKET) {
      const secondary = {
        endpoint: e.BACKUP_SECONDARY_S3_ENDPOINT,
        region: e.BACKUP_SECONDARY_S3_REGION ?? primary.region,
        accessKeyId: e.BACKUP_SECONDARY_S3_ACCESS_KEY_ID ?? primary.accessKeyId,
        secretAccessKey: e.BACKUP_SECONDARY_S3_SECRET_ACCESS_KEY ?? primary.secretAccessKey,
      };
      stores.push({ name: "secondary", client: makeClient(secondary), bucket: e.BACKUP_SECONDARY_S3_BUCKET, serverSideCopy: sameAccount(secondary) });
    }
    globalForBackup.framevaultBackupStores = stores;
  }
  return globalForBackup.framevaultBackupStores;
}

/** The primary backup store: what restores and the drill read from. */
export function backupStore(): BackupStore {
  return backupStores()[0];
}

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

const objectLock = new WeakMap<BackupStore, Promise<boolean>>();

/**
 * Whether the store's bucket has Object Lock (asked once per process). Without it (the s3rver fallback, a
 * bucket made without it) writes carry no retention and deletes no bypass: the sets are unprotected.
 */
export function objectLockEnabled(store: BackupStore): Promise<boolean> {
  let known = objectLock.get(store);
  if (!known) {
    known = store.client
      .send(new GetObjectLockConfigurationCommand({ Bucket: store.bucket }))
      .then((r) => r.ObjectLockConfiguration?.ObjectLockEnabled === "Enabled", () => false);
    objectLock.set(store, known);
  }
  return known;
}

/** Until when a set's objects are kept from deletion (Object Lock GOVERNANCE): the set's lifetime from now. */
export function retainUntil(type: "full" | "incremental", from = new Date()): Date {
  const e = env();
  return new Date(from.getTime() + setLifetimeDays(type, { full: e.BACKUP_KEEP_FULL, incremental: e.BACKUP_KEEP_INCREMENTAL }) * 86_400_000);
}

/**
 * Streams `body` to `key` (multipart when large), with Object Lock GOVERNANCE until `until`. Never buffers
 * the whole body: lib-storage sends it in 8 MiB parts.
 */
export async function putStream(store: BackupStore, key: string, body: Readable | Buffer, opts: { until: Date; contentType?: string }): Promise<void> {
  const lock = (await objectLockEnabled(store)) ? { ObjectLockMode: "GOVERNANCE" as const, ObjectLockRetainUntilDate: opts.until } : {};
  const upload = new Upload({
    client: store.client,
    params: { Bucket: store.bucket, Key: key, Body: body, ContentType: opts.contentType, ...lock },
    partSize: 8 * 1024 * 1024,
    queueSize: 2,
  });
  await upload.done();
}

/** Extends an object's GOVERNANCE retention to `until` (never shortens it: S3 refuses that without a bypass). */
export async function extendRetention(store: BackupStore, key: string, until: Date): Promise<void> {
  if (!(await objectLockEnabled(store))) return;
  const current = await store.client.send(new GetObjectRetentionCommand({ Bucket: store.bucket, Key: key })).catch(() => null);
  if (current?.Retention?.RetainUntilDate && current.Retention.RetainUntilDate >= until) return;
  await store.client.send(new PutObjectRetentionCommand({ Bucket: store.bucket, Key: key, Retention: { Mode: "GOVERNANCE", RetainUntilDate: until } }));
}

export async function headOrNull(store: BackupStore, key: string): Promise<HeadObjectCommandOutput | null> {
  return store.client.send(new HeadObjectCommand({ Bucket: store.bucket, Key: key })).catch((err) => {
    if (status(err) === 404) return null;
    throw err;
  });
}

export async function readStream(store: BackupStore, key: string): Promise<Readable> {
  const res = await store.client.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
  return res.Body as Readable;
}

/**
 * Deletes every version of every key under `prefix` (a versioned, Object Lock bucket keeps versions: a plain
 * delete would only add a marker). Retention is bypassed deliberately (`x-amz-bypass-governance-retention`):
 * only the backup's own retention and the cleanup of a dead run call this.
 */
export async function deleteAllVersions(store: BackupStore, prefix: string, keep?: (key: string) => boolean): Promise<number> {
  if (!(await objectLockEnabled(store))) return deleteUnversioned(store, prefix, keep);
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const page = await store.client.send(new ListObjectVersionsCommand({ Bucket: store.bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].filter((v) => v.Key && !keep?.(v.Key));
    for (const v of entries) {
      await store.client.send(
        new DeleteObjectCommand({ Bucket: store.bucket, Key: v.Key!, VersionId: v.VersionId, BypassGovernanceRetention: true }),
      );
      deleted += 1;
    }
    if (!page.IsTruncated) return deleted;
    keyMarker = page.NextKeyMarker;
    versionMarker = page.NextVersionIdMarker;
  }
}

/** deleteAllVersions on a bucket without versioning (the s3rver fallback). */
async function deleteUnversioned(store: BackupStore, prefix: string, keep?: (key: string) => boolean): Promise<number> {
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (!o.Key || keep?.(o.Key)) continue;
      await store.client.send(new DeleteObjectCommand({ Bucket: store.bucket, Key: o.Key }));
      deleted += 1;
    }
    token = page.NextContinuationToken;
  } while (token);
  return deleted;
}
