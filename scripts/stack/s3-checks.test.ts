// Proves that the local S3 launchers give the app the S3 behaviour it relies on.
// Run: npx vitest run scripts/stack/s3-checks.test.ts
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeS3Client } from "../../lib/storage/s3-client";
import { ensureBackupBucket } from "./bucket";
import { BACKUP_DATA_POOL, BACKUP_PLACEMENT_CONSTRAINT, cephAvailable, startCephRgw, type LocalS3 } from "./ceph";
import { run } from "./proc";
import { startS3rver } from "./s3rver";

const KEYS = { accessKeyId: "checks-access-key", secretAccessKey: "checks-secret-key-0123456789" };
const ORIGIN = "http://localhost:3000";
const BUCKET = "checks";

const tmpDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `s3-checks-${name}-`));
const bytes = (n: number) => crypto.randomBytes(n);

function client(s3: LocalS3, secretAccessKey = s3.secretAccessKey): S3Client {
  return makeS3Client({ endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey });
}

async function getBytes(c: S3Client, Key: string): Promise<Buffer> {
  const res = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const result = await fn();
  console.log(`${label}: ${Math.round(performance.now() - t)} ms`);
  return result;
}

/** Checks both backends pass; `expectations` says where they legitimately differ. */
function commonChecks(
  getS3: () => LocalS3,
  expectations: { signatures: boolean; listParts: boolean; preflightOrigin: (origin: string) => string; multipartEtag: RegExp },
) {
  const c = () => client(getS3());

  it("puts and gets an object bit-identical", async () => {
    const body = bytes(3 * 1024 * 1024 + 7);
    const Key = "dir/ä b+c.bin";
    await c().send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: body, ContentType: "application/octet-stream" }));
    expect((await getBytes(c(), Key)).equals(body)).toBe(true);
  });

  if (!expectations.signatures) it("accepts a wrong secret key (the documented s3rver limitation)", async () => {
    const wrong = client(getS3(), "not-the-secret");
    await wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: "unsigned-ok", Body: "x" }));
    expect(getS3().limitations.some((l) => l.includes("not checked"))).toBe(true);
  });

  if (expectations.signatures) it("refuses a wrong secret key with 403 SignatureDoesNotMatch", async () => {
    const wrong = client(getS3(), "not-the-secret");
    await expect(wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: "x", Body: "x" }))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      $metadata: { httpStatusCode: 403 },
    });
    const anonymous = await fetch(`${getS3().endpoint}/${BUCKET}/dir/x`);
    expect(anonymous.status).toBe(403); // private by default
  });

  it("uploads through a presigned PUT URL with fetch", async () => {
    const body = bytes(100_000);
    const url = await getSignedUrl(c(), new PutObjectCommand({ Bucket: BUCKET, Key: "presigned.bin", ContentType: "image/png" }), {
      expiresIn: 300,
    });
    const res = await fetch(url, { method: "PUT", body, headers: { "content-type": "image/png" } });
    expect(res.status, await res.text()).toBe(200);
    expect((await getBytes(c(), "presigned.bin")).equals(body)).toBe(true);
  });

  it("does multipart create / upload part / ListParts / complete", async () => {
    const Key = "multi.bin";
    const parts = [bytes(5 * 1024 * 1024), bytes(1234)];
    const { UploadId } = await c().send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) {
      const res = await c().send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: i + 1, Body }));
      etags.push(res.ETag!);
    }
    if (expectations.listParts) {
      const listed = await c().send(new ListPartsCommand({ Bucket: BUCKET, Key, UploadId }));
      expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
        [1, parts[0].length, etags[0]],
        [2, parts[1].length, etags[1]],
      ]);
    } else {
      await expect(c().send(new ListPartsCommand({ Bucket: BUCKET, Key, UploadId }))).rejects.toThrow();
    }
    await c().send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    // Ceph answers CompleteMultipartUpload with an empty ETag: HeadObject has the real one.
    expect((await c().send(new HeadObjectCommand({ Bucket: BUCKET, Key }))).ETag).toMatch(expectations.multipartEtag);
    expect((await getBytes(c(), Key)).equals(Buffer.concat(parts))).toBe(true);
  });

  if (!expectations.listParts) it("has no AbortMultipartUpload (the documented s3rver limitation)", async () => {
    const Key = "not-abortable.bin";
    const { UploadId } = await c().send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    await expect(c().send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: expect.any(Number) },
    });
  });

  if (expectations.listParts) it("aborts a multipart upload", async () => {
    const Key = "aborted.bin";
    const { UploadId } = await c().send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    await c().send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 1, Body: bytes(1000) }));
    await c().send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }));
    // AWS says NoSuchUpload; Ceph 16 says NoSuchKey.
    await expect(c().send(new ListPartsCommand({ Bucket: BUCKET, Key, UploadId }))).rejects.toMatchObject({
      name: expect.stringMatching(/^(NoSuchUpload|NoSuchKey)$/),
      $metadata: { httpStatusCode: 404 },
    });
  });

  it("answers a CORS preflight and exposes the ETag", async () => {
    await c().send(
      new PutBucketCorsCommand({
        Bucket: BUCKET,
        CORSConfiguration: {
          CORSRules: [
            { AllowedOrigins: [ORIGIN], AllowedMethods: ["GET", "PUT", "HEAD"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 },
          ],
        },
      }),
    );
    const preflight = await fetch(`${getS3().endpoint}/${BUCKET}/presigned.bin`, {
      method: "OPTIONS",
      headers: { Origin: ORIGIN, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type" },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(expectations.preflightOrigin(ORIGIN));
    expect(preflight.headers.get("access-control-allow-methods")).toContain("PUT");
    // The browser reads the ETag of an uploaded part from the actual response, so it must be exposed there.
    const url = await getSignedUrl(c(), new PutObjectCommand({ Bucket: BUCKET, Key: "cors.bin" }), { expiresIn: 300 });
    const put = await fetch(url, { method: "PUT", body: "cors", headers: { Origin: ORIGIN } });
    expect(put.status).toBe(200);
    expect(put.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(put.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("etag");
    expect(put.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it("accepts StorageClass GLACIER, DEEP_ARCHIVE and STANDARD_IA", async () => {
    for (const StorageClass of ["GLACIER", "DEEP_ARCHIVE", "STANDARD_IA"] as const) {
      const Key = `class-${StorageClass}`;
      await c().send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: StorageClass, StorageClass }));
      expect((await c().send(new HeadObjectCommand({ Bucket: BUCKET, Key }))).StorageClass).toBe(StorageClass);
      expect((await getBytes(c(), Key)).toString()).toBe(StorageClass);
    }
  });

  it("accepts ServerSideEncryption AES256 on PutObject", async () => {
    const put = await c().send(new PutObjectCommand({ Bucket: BUCKET, Key: "sse.txt", Body: "secret", ServerSideEncryption: "AES256" }));
    expect(put.$metadata.httpStatusCode).toBe(200);
    expect((await getBytes(c(), "sse.txt")).toString()).toBe("secret");
  });
}

describe.runIf(cephAvailable())("Ceph RGW, in memory (tests)", () => {
  let s3: LocalS3;
  const dir = tmpDir("ceph");
  beforeAll(async () => {
    s3 = await timed("ceph memstore start", () => startCephRgw({ dir, persistent: false, ...KEYS }));
    await client(s3).send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => {
    await s3?.stop();
  });

  commonChecks(() => s3, { signatures: true, listParts: true, preflightOrigin: (o) => o, multipartEtag: /^"[0-9a-f]{32}-2"$/ });

  // The backup bucket (lib/backup, README "Backups"): its own placement target and pool, and Object Lock.
  const rados = async (...args: string[]) => (await run("rados", ["-c", path.join(dir, "ceph.conf"), ...args], { timeoutMs: 30_000 })).split("\n").filter(Boolean);
  const BACKUPS = "checks-backups";

  it("puts the backup bucket in its own placement and pool: a server-side copy into it writes the bytes again", async () => {
    expect(await ensureBackupBucket(client(s3), BACKUPS, { retentionDays: 1, locationConstraint: BACKUP_PLACEMENT_CONSTRAINT })).toEqual({ objectLock: true });
    const body = bytes(300_000);
    await client(s3).send(new PutObjectCommand({ Bucket: BUCKET, Key: "to-back-up.bin", Body: body }));
    const before = new Set(await rados("-p", BACKUP_DATA_POOL, "ls"));
    await client(s3).send(new CopyObjectCommand({ Bucket: BACKUPS, Key: "content/copied", CopySource: `${BUCKET}/to-back-up.bin` }));
    const added = (await rados("-p", BACKUP_DATA_POOL, "ls")).filter((o) => !before.has(o));
    // RADOS objects of the copy live in the backup pool (a head object named after the key), none in the media pool.
    expect(added.some((o) => o.endsWith("content/copied"))).toBe(true);
    expect((await rados("-p", "default.rgw.buckets.data", "ls")).some((o) => o.endsWith("content/copied"))).toBe(false);
    // Its bytes are there: the copy is readable once the media object is gone.
    await client(s3).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "to-back-up.bin" }));
    const copy = await client(s3).send(new GetObjectCommand({ Bucket: BACKUPS, Key: "content/copied" }));
    expect(Buffer.from(await copy.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it("keeps backup objects under GOVERNANCE retention: a plain delete of a version is refused, the bypass header deletes it", async () => {
    const put = await client(s3).send(new PutObjectCommand({ Bucket: BACKUPS, Key: "sets/x/manifest.json", Body: "{}" }));
    const retention = await client(s3).send(new GetObjectRetentionCommand({ Bucket: BACKUPS, Key: "sets/x/manifest.json" }));
    expect(retention.Retention?.Mode).toBe("GOVERNANCE");
    expect(retention.Retention!.RetainUntilDate!.getTime()).toBeGreaterThan(Date.now());
    await expect(client(s3).send(new DeleteObjectCommand({ Bucket: BACKUPS, Key: "sets/x/manifest.json", VersionId: put.VersionId }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    await client(s3).send(new DeleteObjectCommand({ Bucket: BACKUPS, Key: "sets/x/manifest.json", VersionId: put.VersionId, BypassGovernanceRetention: true }));
    await expect(client(s3).send(new HeadObjectCommand({ Bucket: BACKUPS, Key: "sets/x/manifest.json" }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});

describe.runIf(cephAvailable())("Ceph RGW, persistent (dev)", () => {
  const dir = tmpDir("ceph-persist");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps objects across a stop/start and refuses a second start on the same folder", async () => {
    const body = bytes(2 * 1024 * 1024);
    const opts = { dir, persistent: true, ...KEYS };
    const first = await timed("ceph persistent cold init", () => startCephRgw(opts));
    try {
      await client(first).send(new CreateBucketCommand({ Bucket: BUCKET }));
      await client(first).send(new PutObjectCommand({ Bucket: BUCKET, Key: "kept.bin", Body: body }));
      await expect(startCephRgw(opts)).rejects.toThrow(/locked/);
    } finally {
      await first.stop();
    }
    const second = await timed("ceph persistent warm restart", () => startCephRgw(opts));
    try {
      expect(second.endpoint).toBe(first.endpoint);
      expect((await getBytes(client(second), "kept.bin")).equals(body)).toBe(true);
      // Without the stale-watcher blocklisting the first write after a restart stalls ~29 s.
      const t = performance.now();
      await client(second).send(new PutObjectCommand({ Bucket: BUCKET, Key: "after-restart", Body: "x" }));
      expect(performance.now() - t).toBeLessThan(5000);
    } finally {
      await second.stop();
    }
  }, 120_000);
});

describe.runIf(cephAvailable())("Ceph RGW, parent death", () => {
  const dir = tmpDir("ceph-orphans");
  const fixture = path.join(dir, "..", `${path.basename(dir)}-fixture.mts`);
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  let fixtureProcess: ChildProcess | undefined;
  afterAll(() => {
    fixtureProcess?.kill("SIGKILL"); // if a check failed halfway: its Ceph dies with it
    // A killed parent cannot clean up its socket directory; the next start on `dir` would.
    const { runDir } = JSON.parse(fs.readFileSync(path.join(dir, "pids.json"), "utf8"));
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(fixture, { force: true });
  });

  const isRunning = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8")); // a zombie is dead
    } catch {
      return false;
    }
  };

  /** Starts Ceph in a separate node process, returns it and the daemon PIDs once radosgw answers. */
  async function startInChild() {
    fs.writeFileSync(
      fixture,
      `import { startCephRgw } from ${JSON.stringify(new URL("./ceph.ts", import.meta.url).href)};
       await startCephRgw({ dir: ${JSON.stringify(dir)}, persistent: true, ...${JSON.stringify(KEYS)} });
       console.log("ready");
       setInterval(() => {}, 1000);`,
    );
    // Own process group, so the test can send the terminal's Ctrl-C to "the foreground group".
    const child = spawn(process.execPath, ["--import", "tsx", fixture], { cwd: repo, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    fixtureProcess = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d;
        if (output.includes("ready")) resolve();
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code) => reject(new Error(`fixture exited with ${code}: ${output}`)));
    });
    const { mon, osd, rgw } = JSON.parse(fs.readFileSync(path.join(dir, "pids.json"), "utf8"));
    const pids: number[] = [mon, osd, rgw];
    expect(pids.every(isRunning)).toBe(true);
    return { child, pids };
  }

  async function expectAllGone(pids: number[]) {
    const deadline = Date.now() + 10_000;
    while (pids.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(isRunning)).toEqual([]);
  }

  it("leaves no ceph processes when the parent is SIGKILLed", async () => {
    const { child, pids } = await startInChild();
    process.kill(child.pid!, "SIGKILL");
    await expectAllGone(pids);
  }, 60_000);

  it("leaves no ceph processes after a Ctrl-C (SIGINT to the process group)", async () => {
    const { child, pids } = await startInChild(); // also: the dead parent's lock does not block
    process.kill(-child.pid!, "SIGINT");
    await expectAllGone(pids);
  }, 60_000);
});

describe("s3rver (fallback)", () => {
  let s3: LocalS3;
  const dir = tmpDir("s3rver");
  beforeAll(async () => {
    s3 = await timed("s3rver start", () => startS3rver({ dir, ...KEYS }));
    await client(s3).send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => {
    await s3?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  commonChecks(() => s3, { signatures: false, listParts: false, preflightOrigin: () => "*", multipartEtag: /^"[0-9a-f]{32}"$/ });

  it("makes the backup bucket without Object Lock, and says so", async () => {
    expect(await ensureBackupBucket(client(s3), "checks-backups", { retentionDays: 1 })).toEqual({ objectLock: false });
    expect(s3.limitations.join("\n")).toMatch(/backup bucket is made without Object Lock/);
  });

  it("admits that it checks no signatures", async () => {
    const wrong = client(s3, "not-the-secret");
    await wrong.send(new PutObjectCommand({ Bucket: BUCKET, Key: "x", Body: "x" }));
    expect(s3.limitations.join("\n")).toMatch(/signatures are not checked/);
    expect(s3.limitations.join("\n")).toMatch(/ListParts/);
  });
});
