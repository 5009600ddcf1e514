// Backup sets for the restore tests. PRE-MERGE STAND-IN: until h-bcore's runs are merged, sets are written by
// the minimal writer in ./backup-set.ts into a bucket of this test's own.
import { randomBytes } from "node:crypto";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { bucketAt, type Bucket } from "@/lib/backup/restore/source";
import { ownerSql, testS3 } from "./backends";
import { writeTestSet } from "./backup-set";

const bucketName = `restore-backups-${randomBytes(4).toString("hex")}`;
const keyText = randomBytes(32).toString("hex");
let created: Promise<unknown> | undefined;

export function backupBucket(): string {
  return bucketName;
}

export function backupKeyText(): string {
  return keyText;
}

export function backupStoreBucket(): Bucket {
  return bucketAt({ endpoint: process.env.S3_ENDPOINT, region: process.env.S3_REGION ?? "us-east-1", bucket: bucketName, accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! });
}

export interface TakenSet {
  id: string;
  type: "full" | "incremental";
  status: string;
  objects: number;
  objectsCopied: number;
  bytesTotal: number;
  bytesCopied: number;
}

export async function takeBackup(type: "full" | "incremental"): Promise<TakenSet> {
  created ??= testS3().send(new CreateBucketCommand({ Bucket: bucketName }));
  await created;
  const media = bucketAt({ endpoint: process.env.S3_ENDPOINT, region: process.env.S3_REGION ?? "us-east-1", bucket: process.env.S3_BUCKET!, accessKeyId: process.env.S3_ACCESS_KEY_ID!, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY! });
  const m = await writeTestSet({ sql: ownerSql(), media, store: backupStoreBucket(), key: Buffer.from(keyText, "hex"), type });
  return { id: m.setId, type, status: "completed", objects: m.totals.objects, objectsCopied: m.totals.objectsCopied, bytesTotal: m.totals.bytes, bytesCopied: m.totals.bytesCopied };
}
