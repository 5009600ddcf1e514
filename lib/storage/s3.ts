import "server-only";
import type { S3Client } from "@aws-sdk/client-s3";
import { env } from "@/lib/env";
import { encryptionHeaders, requestEncryptionOnWrites } from "./encryption";
import { makeS3Client } from "./s3-client";

const globalForS3 = globalThis as unknown as { framevaultS3?: { internal: S3Client; presign: S3Client } };

function makeClient(endpoint: string): S3Client {
  const e = env();
  const client = makeS3Client(
    { endpoint, region: e.S3_REGION, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY },
    { maxSockets: e.S3_MAX_SOCKETS },
  );
  requestEncryptionOnWrites(client, e.S3_SSE, e.S3_SSE_KMS_KEY_ID);
  return client;
}

/** Headers the browser sends with presigned writes (they are signed, so they must match). */
export function browserWriteHeaders(): Record<string, string> {
  return encryptionHeaders(env().S3_SSE, env().S3_SSE_KMS_KEY_ID);
}

/** `internal` talks to S3 from the server; `presign` signs URLs for the endpoint the browser can reach. */
export function s3(): { internal: S3Client; presign: S3Client } {
  if (!globalForS3.framevaultS3) {
    const e = env();
    const internal = makeClient(e.S3_ENDPOINT);
    const presign = e.S3_PUBLIC_ENDPOINT ? makeClient(e.S3_PUBLIC_ENDPOINT) : internal;
    globalForS3.framevaultS3 = { internal, presign };
  }
  return globalForS3.framevaultS3;
}

export function mediaBucket(): string {
  return env().S3_BUCKET;
}

export function originalObjectKey(fileId: string, versionId: string): string {
  return `originals/${fileId}/${versionId}`;
}

/** Where identical content lives once, whoever uploaded it. */
export function blobObjectKey(sha256: string): string {
  return `blobs/sha256/${sha256}`;
}

/** The SHA-256 a blob key names; null for any other key (an upload's original, a variant). */
export function blobSha256FromKey(key: string): string | null {
  return /^blobs\/sha256\/([0-9a-f]{64})$/.exec(key)?.[1] ?? null;
}

/** Derived images never change under a key: a new recipe or version gets a new key. */
export function variantObjectKey(versionId: string, name: string, ext: string): string {
  return `variants/${versionId}/${name}.${ext}`;
}

export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";
