// Helpers of the restore tests: a fresh database and bucket to restore into, `npm run restore` as an
// operator runs it, and downloads compared by SHA-256.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ownerSql, testS3 } from "./backends";
import type { Session } from "./client";

const root = path.resolve(import.meta.dirname, "../..");

/** A new, empty database on the test Postgres (the shared one is never touched): its owner and app-role URLs. */
export async function freshDatabase(): Promise<{ name: string; ownerUrl: string; appUrl: string }> {
  const name = `restore_${randomBytes(5).toString("hex")}`;
  await ownerSql().unsafe(`create database ${name}`);
  const ownerUrl = new URL(process.env.FRAMEVAULT_OWNER_DATABASE_URL!);
  ownerUrl.pathname = `/${name}`;
  const appUrl = new URL(process.env.DATABASE_URL!);
  appUrl.pathname = `/${name}`;
  return { name, ownerUrl: ownerUrl.toString(), appUrl: appUrl.toString() };
}

/** A new, empty bucket on the test S3. */
export async function freshBucket(prefix = "restore"): Promise<string> {
  const bucket = `${prefix}-${randomBytes(5).toString("hex")}`;
  await testS3().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function keysOf(bucket: string, prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await testS3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/** The `--from` URL of a bucket on the test S3. */
export function storeUrl(bucket: string): string {
  return `s3://${bucket}?endpoint=${encodeURIComponent(process.env.S3_ENDPOINT!)}&region=${process.env.S3_REGION ?? "us-east-1"}`;
}

/**
 * `npm run restore -- …` in a child process with only what an operator would set: the backup store's
 * credentials, the target bucket's S3_* settings and the key (no DATABASE_URL, no app settings).
 */
export function runRestoreCommand(args: string[], env: Record<string, string>, timeoutMs = 300_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root" };
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", "restore", "--", ...args], { cwd: root, env: { ...base, ...env } as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // A restore that hangs is killed and reported with what it printed so far.
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function downloadSha(session: Session, fileId: string, version?: number): Promise<{ status: number; sha256: string }> {
  const res = await session.fetch(`/api/v1/files/${fileId}/download?redirect=false${version ? `&version=${version}` : ""}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const { createHash } = await import("node:crypto");
  return { status: res.status, sha256: createHash("sha256").update(bytes).digest("hex") };
}
