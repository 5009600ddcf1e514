// Direct access to the test stack's Postgres and S3, to check what the API left behind.
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { makeS3Client } from "../../lib/storage/s3-client";
import postgres from "postgres";

let sql: postgres.Sql | undefined;
/** As the app's own role (`framevault_app`): what the app may do, tests may do. */
export function testSql(): postgres.Sql {
  sql ??= postgres(process.env.DATABASE_URL!, { max: 2, onnotice: () => {} });
  return sql;
}

let ownerSqlClient: postgres.Sql | undefined;
/** As the role that owns the tables (migrations run as it): for tests that act with the owner's powers. */
export function ownerSql(): postgres.Sql {
  ownerSqlClient ??= postgres(process.env.FRAMEVAULT_OWNER_DATABASE_URL!, { max: 2, onnotice: () => {} });
  return ownerSqlClient;
}

export function testS3(): S3Client {
  return makeS3Client({
    endpoint: process.env.S3_ENDPOINT,
    region: process.env.S3_REGION!,
    accessKeyId: process.env.S3_ACCESS_KEY_ID!,
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY!,
  });
}

export const BUCKET = process.env.S3_BUCKET ?? "framevault-media";

export async function bucketKeys(prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await testS3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

/**
 * Everything one user owns or has in flight: the "nothing half-written" checks compare these.
 * `orphanObjects` counts uploaded objects no file row claims; it ignores objects that processing moves
 * to their content-addressed blob in the meantime, which a plain count of the bucket would not.
 */
export async function footprint(userId: string) {
  const s = testSql();
  const [files] = await s`select count(*)::int as n from files where owner_id = ${userId}`;
  const [sessions] = await s`select count(*)::int as n from upload_sessions where owner_id = ${userId} and status = 'pending'`;
  const fileIds = [...new Set((await bucketKeys("originals/")).map((key) => key.split("/")[1]))];
  const known = fileIds.length ? await s`select id::text from files where id::text = any(${fileIds})` : [];
  const reserved = fileIds.length ? await s`select file_id::text as id from upload_sessions where status = 'pending' and file_id::text = any(${fileIds})` : [];
  const claimed = new Set([...known, ...reserved].map((r) => r.id as string));
  return { files: files.n as number, pendingSessions: sessions.n as number, orphanObjects: fileIds.filter((id) => !claimed.has(id)).length };
}

export async function auditActions(fileId: string): Promise<string[]> {
  const rows = await testSql()`select action from audit_events where file_id = ${fileId} order by id`;
  return rows.map((r) => r.action as string);
}

export async function waitForStatus(check: () => Promise<string>, wanted: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = await check();
    if (last === wanted) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

/** Waits until processing has finished with the file (downloads are refused before that). */
export async function waitUntilProcessed(fileId: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await testSql()`select status from files where id = ${fileId}`;
    if (row && row.status !== "processing") return row.status as string;
    if (Date.now() > deadline) throw new Error(`file ${fileId} still processing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
