import { CopyObjectCommand, HeadObjectCommand, RestoreObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ArchiveClass, RetrievalTier } from "@/db/schema/lifecycle";

/** The part of S3Client the stores use (a test double stands in for it where AWS cannot run). */
export type S3Sender = Pick<S3Client, "send">;

/**
 * Where archived content lives and how it comes back. Both implementations move an object to a cold
 * class with an in-place CopyObject; they differ in how a retrieval works.
 */
export interface ArchiveStore {
  readonly provider: "aws" | "storage-class";
  /** The object's storage class (STANDARD when S3 names none). */
  storageClassOf(key: string): Promise<string>;
  /** Moves the object to `cls`; idempotent: an object already there is left alone ("already"). */
  moveToClass(key: string, cls: ArchiveClass | "STANDARD"): Promise<"moved" | "already">;
  /** Asks for the object back (aws: RestoreObject; storage-class: nothing, the app waits the tier's delay). */
  startRetrieval(key: string, tier: RetrievalTier, days: number): Promise<void>;
  /** Whether the object can be read again (aws: HeadObject's Restore says so; storage-class: always, after the wait). */
  retrievalReady(key: string): Promise<boolean>;
  /** Makes a retrieved object readable (storage-class: copy back to STANDARD; aws: the restored copy already is). */
  makeAvailable(key: string): Promise<void>;
  /** The retrieval window is over (storage-class: back to the cold class; aws: S3 drops the restored copy itself). */
  returnToArchive(key: string, cls: ArchiveClass): Promise<void>;
}

/** HeadObject's `x-amz-restore`: `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`. */
export function parseRestoreHeader(value: string | undefined | null): { ongoing: boolean; expiresAt: Date | null } | null {
  if (!value) return null;
  const ongoing = /ongoing-request\s*=\s*"(true|false)"/i.exec(value)?.[1]?.toLowerCase();
  if (ongoing === undefined) return null;
  const expiry = /expiry-date\s*=\s*"([^"]+)"/i.exec(value)?.[1];
  const expiresAt = expiry ? new Date(expiry) : null;
  return { ongoing: ongoing === "true", expiresAt: expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt : null };
}

const AWS_TIERS: Record<RetrievalTier, "Expedited" | "Standard" | "Bulk"> = { expedited: "Expedited", standard: "Standard", bulk: "Bulk" };

function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

function classMover(client: S3Sender, bucket: string) {
  const storageClassOf = async (key: string) => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.StorageClass ?? "STANDARD";
  };
  const moveToClass = async (key: string, cls: ArchiveClass | "STANDARD"): Promise<"moved" | "already"> => {
    if ((await storageClassOf(key)) === cls) return "already";
    // A copy onto itself that changes only the class keeps the bytes, ETag-relevant content and metadata.
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: copySource(bucket, key), StorageClass: cls, MetadataDirective: "COPY" }));
    return "moved";
  };
  return { storageClassOf, moveToClass };
}

/** AWS S3: real transitions; GET of a cold object fails until RestoreObject's temporary copy is ready. */
export function awsArchiveStore(client: S3Sender, bucket: string): ArchiveStore {
  const { storageClassOf, moveToClass } = classMover(client, bucket);
  return {
    provider: "aws",
    storageClassOf,
    moveToClass,
    async startRetrieval(key, tier, days) {
      await client
        .send(new RestoreObjectCommand({ Bucket: bucket, Key: key, RestoreRequest: { Days: Math.max(1, Math.ceil(days)), GlacierJobParameters: { Tier: AWS_TIERS[tier] } } }))
        .catch((err) => {
          // 409 RestoreAlreadyInProgress: a retried step asked twice.
          if (err?.name === "RestoreAlreadyInProgress" || err?.$metadata?.httpStatusCode === 409) return;
          throw err;
        });
    },
    async retrievalReady(key) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const restore = parseRestoreHeader(head.Restore);
      return restore !== null && !restore.ongoing;
    },
    async makeAvailable() {},
    async returnToArchive() {},
  };
}

/** S3 servers with storage classes but no RestoreObject (Ceph RGW, MinIO): cold objects stay readable. */
export function storageClassArchiveStore(client: S3Sender, bucket: string): ArchiveStore {
  const { storageClassOf, moveToClass } = classMover(client, bucket);
  return {
    provider: "storage-class",
    storageClassOf,
    moveToClass,
    async startRetrieval() {},
    async retrievalReady() {
      return true;
    },
    async makeAvailable(key) {
      await moveToClass(key, "STANDARD");
    },
    async returnToArchive(key, cls) {
      await moveToClass(key, cls);
    },
  };
}
