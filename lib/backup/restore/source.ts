/**
 * Reading a backup store (and writing into a media bucket) for restore, the drill and `npm run restore`.
 * Plain Node like lib/backup/format.ts: no env, no "server-only", so the operator's command uses it
 * without the app. The app builds its `BackupSource` from its BACKUP_S3_* settings (./app-source.ts).
 */
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, type S3Client,
} from "@aws-sdk/client-s3";
import { makeS3Client } from "../../storage/s3-client";

export interface S3Location {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Keys of the backup layout live under this prefix (empty: the bucket's root). */
  prefix?: string;
}

/** A bucket seen through a key prefix: the backup store's layout (format.ts) starts below it. */
export interface Bucket {
  client: S3Client;
  bucket: string;
  prefix: string;
}

export function s3Client(loc: Pick<S3Location, "endpoint" | "region" | "accessKeyId" | "secretAccessKey">): S3Client {
  return makeS3Client(loc, { requestTimeoutMs: 120_000, socketTimeoutMs: 300_000 });
}

export function bucketAt(loc: S3Location): Bucket {
  return { client: s3Client(loc), bucket: loc.bucket, prefix: normalisePrefix(loc.prefix) };
}

function normalisePrefix(prefix: string | undefined): string {
  const p = (prefix ?? "").replace(/^\/+/, "");
  return p && !p.endsWith("/") ? `${p}/` : p;
}

/**
 * Parses the `--from` form of `npm run restore`:
 *   s3://<bucket>[/<prefix>]?endpoint=http://host:port&region=us-east-1
 * Credentials are not part of the URL (it ends up in shell history): they come from `credentials`.
 */
export function parseStoreUrl(url: string, credentials: { accessKeyId?: string; secretAccessKey?: string }): S3Location {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--from must look like s3://bucket[/prefix]?endpoint=http://host:port&region=us-east-1 (got ${url})`);
  }
  if (parsed.protocol !== "s3:" || !parsed.hostname) throw new Error(`--from must start with s3://<bucket> (got ${url})`);
  if (parsed.username || parsed.password) throw new Error("--from must not carry credentials: set BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new Error("no credentials for the backup store: set BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
  }
  const endpoint = parsed.searchParams.get("endpoint") ?? undefined;
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new Error(`the endpoint in --from must be an http(s) URL (got ${endpoint})`);
  return {
    bucket: parsed.hostname,
    prefix: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    endpoint,
    region: parsed.searchParams.get("region") ?? "us-east-1",
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
  };
}

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

export function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name;
  return statusOf(err) === 404 || name === "NoSuchKey" || name === "NotFound";
}

/** The object's body as a stream; throws (isNotFound) when there is none. */
export async function readObject(b: Bucket, key: string): Promise<Readable> {
  const res = await b.client.send(new GetObjectCommand({ Bucket: b.bucket, Key: b.prefix + key }));
  return res.Body as Readable;
}

export async function readText(b: Bucket, key: string): Promise<string> {
  const res = await b.client.send(new GetObjectCommand({ Bucket: b.bucket, Key: b.prefix + key }));
  return res.Body!.transformToString("utf8");
}

/** Size of the object, or null when there is none. */
export async function objectSize(b: Bucket, key: string): Promise<number | null> {
  try {
    const head = await b.client.send(new HeadObjectCommand({ Bucket: b.bucket, Key: b.prefix + key }));
    return head.ContentLength ?? 0;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Streams `body` (exactly `size` bytes) to `key`. */
export async function writeObject(b: Bucket, key: string, body: Readable, size: number, contentType?: string): Promise<void> {
  await b.client.send(new PutObjectCommand({ Bucket: b.bucket, Key: b.prefix + key, Body: body, ContentLength: size, ...(contentType ? { ContentType: contentType } : {}) }));
}

/** Every key under `prefix` (relative to the bucket's prefix). */
export async function* listKeys(b: Bucket, prefix: string, delimiter?: string): AsyncGenerator<string> {
  let token: string | undefined;
  do {
    const page = await b.client.send(new ListObjectsV2Command({ Bucket: b.bucket, Prefix: b.prefix + prefix, ContinuationToken: token, Delimiter: delimiter }));
    for (const p of page.CommonPrefixes ?? []) if (p.Prefix) yield p.Prefix.slice(b.prefix.length);
    for (const o of page.Contents ?? []) if (o.Key) yield o.Key.slice(b.prefix.length);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Whether the bucket holds any object at all (the "all" restore wants an empty one). */
export async function bucketIsEmpty(b: Bucket): Promise<boolean> {
  const page = await b.client.send(new ListObjectsV2Command({ Bucket: b.bucket, Prefix: b.prefix || undefined, MaxKeys: 1 }));
  return (page.KeyCount ?? page.Contents?.length ?? 0) === 0;
}

/**
 * Removes everything under `prefix`, every version of it: the backup bucket is versioned with Object Lock,
 * so a scratch object (the drill's) is only gone once each version is deleted, bypassing GOVERNANCE
 * retention (the drill's scratch copies are never part of a kept set). One DeleteObject per version (not
 * DeleteObjects, whose required checksum header not every S3 accepts); plain listing on a store without
 * versioning.
 */
export async function deletePrefix(b: Bucket, prefix: string): Promise<number> {
  let deleted = 0;
  const remove = async (o: { Key: string; VersionId?: string }) => {
    await b.client.send(new DeleteObjectCommand({ Bucket: b.bucket, Key: o.Key, VersionId: o.VersionId, BypassGovernanceRetention: true }));
    deleted += 1;
  };
  let versioned = true;
  // Each page is listed from the start again rather than after a marker: the versions before it are gone by
  // then, and RGW can skip an entry when the marker names a version that was just deleted.
  let more = true;
  while (more) {
    const page = await b.client
      .send(new ListObjectVersionsCommand({ Bucket: b.bucket, Prefix: b.prefix + prefix }))
      .catch((err) => {
        if ([400, 405, 501].includes(statusOf(err) ?? 0)) return null;
        throw err;
      });
    if (!page) {
      versioned = false;
      break;
    }
    const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
    for (const v of entries) await remove({ Key: v.Key!, VersionId: v.VersionId });
    more = entries.length > 0;
  }
  if (!versioned) for await (const key of listKeys(b, prefix)) await remove({ Key: b.prefix + key });
  return deleted;
}
