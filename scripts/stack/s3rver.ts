// Fallback local S3 when Ceph is not installed: the npm `s3rver` (files on disk, one node process).
// It answers far fewer S3 features faithfully than Ceph RGW; `limitations` spells out which.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LocalS3 } from "./ceph";
import { freePort, httpAnswers, spawnDaemon, stopChild, tail, waitUntil } from "./proc";

export interface S3rverOptions {
  dir: string;
  port?: number;
  accessKeyId: string;
  secretAccessKey: string;
  log?: (line: string) => void;
}

// Checked against s3rver 3.7.1's routes and controllers.
const LIMITATIONS = [
  "SigV4 signatures are not checked: any secret key is accepted (only the access key id must match)",
  "presigned URLs: only the expiry is checked, not the signature",
  "no ListParts, AbortMultipartUpload, ListMultipartUploads or UploadPartCopy (405/501)",
  "multipart: no minimum part size (EntityTooSmall) or part ETag checks; the ETag is a plain MD5, not \"md5-N\"",
  "aws-chunked request bodies are stored undecoded: use requestChecksumCalculation 'WHEN_REQUIRED'",
  "no versioning, lifecycle, bucket policy, bucket encryption, bucket tagging, object lock or PutObjectAcl (501)",
  "storage classes are only stored as a header: no tiers, no transitions, GLACIER objects read like STANDARD",
  "x-amz-server-side-encryption is ignored: nothing is encrypted and the header is not echoed",
  "no access control: any known access key can do anything, and unsigned requests are treated as anonymous",
  "CORS preflight answers Access-Control-Allow-Origin '*' (not the origin) and no Expose-Headers",
  "no conditional writes (If-Match / If-None-Match on PUT)",
  "the backup bucket is made without Object Lock (no retention, a kept set can be deleted) and without a placement target of its own",
];

export async function startS3rver(opts: S3rverOptions): Promise<LocalS3> {
  const log = opts.log ?? (() => {});
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const bin = path.join(path.dirname(createRequire(import.meta.url).resolve("s3rver/package.json")), "bin/s3rver.js");
  const outFile = path.join(dir, "s3rver.log");
  const child = spawnDaemon(
    process.execPath,
    [
      "--openssl-legacy-provider",
      "--require",
      fileURLToPath(new URL("./s3rver-keys.cjs", import.meta.url)),
      bin,
      ...["--directory", path.join(dir, "data"), "--address", "127.0.0.1", "--port", String(port)],
      "--no-vhost-buckets", // path-style only, like every client of it here (forcePathStyle)
      "--silent",
    ],
    outFile,
    // The key pair reaches the preload through the environment, not the command line (visible in ps).
    { S3RVER_ACCESS_KEY_ID: opts.accessKeyId, S3RVER_SECRET_ACCESS_KEY: opts.secretAccessKey },
  );
  try {
    await waitUntil("s3rver answering", () => httpAnswers(endpoint), { timeoutMs: 15_000, children: [child] });
  } catch (err) {
    await stopChild(child, "SIGKILL");
    throw new Error(`s3rver failed to start: ${(err as Error).message}\n--- tail of ${outFile}:\n${tail(outFile)}`);
  }
  log(`[s3rver] ready at ${endpoint} (data in ${dir}/data)`);
  return {
    endpoint,
    region: "us-east-1",
    accessKeyId: opts.accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    kind: "s3rver",
    limitations: LIMITATIONS,
    stop: () => stopChild(child, "SIGTERM", 3000),
  };
}
