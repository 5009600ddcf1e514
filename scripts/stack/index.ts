import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { enableAppRole, runMigrations } from "../../db/migrate";
import { ensureAdmin, type SeededAdmin } from "./seed";
import { startLocalInngestRunner, type LocalInngestRunner } from "../inngest-runner";
import { BACKUP_BUCKET_DEFAULT, defaultRetentionDays } from "../../lib/backup/lifetime";
import { makeS3Client } from "../../lib/storage/s3-client";
import { ensureBackupBucket, ensureMediaBucket } from "./bucket";
import { startClamd } from "./clamd";
import { BACKUP_PLACEMENT_CONSTRAINT, cephAvailable, startCephRgw, type LocalS3 } from "./ceph";
import { startNginxEdge } from "./nginx";
import { startEmbeddedPostgres } from "./postgres";
import { machineAddresses } from "./addresses";
import { portIsFree } from "./proc";
import { ensureDebianPackages } from "./provision";
import { startS3rver } from "./s3rver";

export interface StackOptions {
  /** dev keeps data in `dataDir` across restarts; test throws everything away on stop. */
  mode: "dev" | "test";
  dataDir: string;
  appUrl: string;
  /** Variables the caller was given; in dev, a set DATABASE_URL/S3_ENDPOINT/INNGEST_* or CLAMD_HOST replaces the embedded part. */
  given: Record<string, string | undefined>;
  log: (line: string) => void;
}

export interface Stack {
  /** Environment for the Next.js process: its DATABASE_URL is the least-privileged app role. */
  env: Record<string, string>;
  /** The owner role's URL: migrations, seeding, and tests that act as the database's owner. */
  ownerDatabaseUrl: string;
  admin: SeededAdmin;
  s3: Pick<LocalS3, "kind" | "limitations"> | { kind: "external"; limitations: string[] };
  runner: LocalInngestRunner | null;
  /** Where the embedded Postgres keeps its cluster (null when DATABASE_URL points elsewhere). */
  postgresDir: string | null;
  stop(): Promise<void>;
}

// Dev keeps well-known credentials (its data outlives a run, and tools get configured once); tests make new
// ones per run, so the production build they start never runs on a credential written in the source.
const DEV_CREDENTIALS = { accessKeyId: "framevault-local", secretAccessKey: "framevault-local-secret", dbPassword: "postgres" };
function localCredentials(mode: StackOptions["mode"]) {
  if (mode === "dev") return DEV_CREDENTIALS;
  const random = () => randomBytes(18).toString("base64url");
  return { accessKeyId: `fvtest${randomBytes(6).toString("hex")}`, secretAccessKey: random(), dbPassword: random() };
}

/** Dev keeps well-known ports when they are free, so bookmarks and tools keep working; tests take any. */
async function preferredPort(wanted: boolean, port: number): Promise<number | undefined> {
  return wanted && (await portIsFree(port)) ? port : undefined;
}

async function startLocalS3(opts: StackOptions, keys: { accessKeyId: string; secretAccessKey: string }): Promise<LocalS3> {
  const persistent = opts.mode === "dev";
  const cephReady = cephAvailable() || ensureDebianPackages(["ceph-mon", "ceph-osd", "radosgw", "ceph-common"], ["radosgw", "ceph-mon", "ceph-osd"], opts.log);
  if (cephReady) {
    try {
      return await startCephRgw({ dir: path.join(opts.dataDir, "ceph"), persistent, port: await preferredPort(persistent, 7480), ...keys, log: opts.log });
    } catch (err) {
      opts.log(`Ceph RGW did not start: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  opts.log("falling back to s3rver (a much less faithful S3)");
  return startS3rver({ dir: path.join(opts.dataDir, "s3rver"), port: await preferredPort(persistent, 7480), ...keys, log: opts.log });
}

function withHost(url: string, host: string): string {
  const u = new URL(url);
  u.hostname = host;
  return u.origin;
}

/** The key of the audit chain: made once per data folder (so per test run), readable by root alone, never in the database. */
function auditHmacKey(dataDir: string): string {
  const file = path.join(dataDir, "audit-hmac-key");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  return readFileSync(file, "utf8").trim();
}

/** A secret kept in the data folder (dev: the edge's URLs and the app agree across restarts), or made per test run. */
function localSecret(opts: StackOptions, name: string): string {
  if (opts.mode === "test") return randomBytes(24).toString("hex");
  const file = path.join(opts.dataDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString("hex"), { mode: 0o600, flag: "wx" });
  return readFileSync(file, "utf8").trim();
}

/** The backup dumps' key (32 bytes, hex): kept in the data folder in dev (the dumps stay readable), new per test run. */
function backupEncryptionKey(opts: StackOptions): string {
  if (opts.mode === "test") return randomBytes(32).toString("hex");
  const file = path.join(opts.dataDir, "backup-encryption-key");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  return readFileSync(file, "utf8").trim();
}

/**
 * The nginx CDN edge: always in tests (the suite runs with CDN_PROVIDER=nginx), in dev when
 * CDN_PROVIDER=nginx is set without a CDN_DOMAIN (an edge of your own is used as configured).
 */
async function startLocalEdge(opts: StackOptions, given: StackOptions["given"], stops: (() => Promise<void>)[]): Promise<Record<string, string>> {
  const wanted = opts.mode === "test" || (opts.given.CDN_PROVIDER === "nginx" && !opts.given.CDN_DOMAIN);
  if (!wanted) return {};
  const signingSecret = given.CDN_SIGNING_SECRET || localSecret(opts, "cdn-signing-secret");
  const edgeSecret = given.CDN_EDGE_SECRET || localSecret(opts, "cdn-edge-secret");
  const edge = await startNginxEdge({
    dir: path.join(opts.dataDir, "nginx"),
    appUrl: opts.appUrl.replace("localhost", "127.0.0.1"),
    signingSecret,
    edgeSecret,
    port: await preferredPort(opts.mode === "dev", 8480),
    log: opts.log,
  });
  stops.push(edge.stop);
  return { CDN_PROVIDER: "nginx", CDN_DOMAIN: edge.url, CDN_SIGNING_SECRET: signingSecret, CDN_EDGE_SECRET: edgeSecret, CDN_NGINX_CACHE_LOG: edge.cacheLog };
}

/** Brings up Postgres, S3 and the workflow runner (each unless configured elsewhere), migrated and seeded. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const given = opts.mode === "dev" ? opts.given : {};
  const { dbPassword, ...s3Keys } = localCredentials(opts.mode);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => opts.log(`stop failed: ${(err as Error).message}`));
  };
  try {
    // Migrations run as the owner; the app gets the `framevault_app` role unless DATABASE_URL says otherwise.
    let ownerDatabaseUrl = given.DATABASE_OWNER_URL || given.DATABASE_URL;
    let postgresDir: string | null = null;
    if (!ownerDatabaseUrl) {
      const pg = await startEmbeddedPostgres({
        dir: path.join(opts.dataDir, "postgres"),
        port: opts.mode === "dev" ? 54329 : undefined,
        persistent: opts.mode === "dev",
        database: "framevault",
        password: dbPassword,
        log: opts.log,
      });
      stops.push(pg.stop);
      ownerDatabaseUrl = pg.url;
      postgresDir = pg.dataDir;
    }
    await runMigrations(ownerDatabaseUrl);
    const databaseUrl = given.DATABASE_URL || (await enableAppRole(ownerDatabaseUrl, randomBytes(18).toString("base64url")));

    const bucket = given.S3_BUCKET ?? "framevault-media";
    let s3Env: Record<string, string>;
    let s3Info: Stack["s3"];
    if (given.S3_ENDPOINT) {
      s3Env = {};
      s3Info = { kind: "external", limitations: [] };
    } else {
      const s3 = await startLocalS3(opts, s3Keys);
      stops.push(s3.stop);
      s3Env = { S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey, S3_BUCKET: bucket };
      s3Info = s3;
      // The dev server answers on every interface, so the Upload page may be opened at the machine's address too.
      const hosts = opts.mode === "dev" ? machineAddresses() : [];
      const origins = [opts.appUrl, opts.appUrl.replace("localhost", "127.0.0.1"), ...hosts.map((h) => withHost(opts.appUrl, h))];
      // The test Ceph runs lifecycle with a 10 s "day" (rgw lc debug interval): after 1 such day it aborted any
      // multipart upload older than 10–20 s, i.e. every browser upload on a busy machine and every interrupted
      // upload a test resumes. 360 of them are an hour, the upload session's lifetime.
      await ensureMediaBucket(makeS3Client(s3), bucket, [...new Set(origins)], { abortIncompleteAfterDays: opts.mode === "test" ? 360 : 1 });
      // The backup store (README "Backups"): its own bucket, in its own Ceph placement target and pool, with Object Lock.
      const keep = { full: Number(given.BACKUP_KEEP_FULL ?? 4), incremental: Number(given.BACKUP_KEEP_INCREMENTAL ?? 7) };
      const backups = await ensureBackupBucket(makeS3Client(s3), given.BACKUP_S3_BUCKET ?? BACKUP_BUCKET_DEFAULT, {
        retentionDays: defaultRetentionDays(keep),
        locationConstraint: s3.kind === "ceph" ? BACKUP_PLACEMENT_CONSTRAINT : undefined,
      });
      if (!backups.objectLock) opts.log(`the backup bucket has no Object Lock here (${s3.kind}): kept sets are not protected from deletion`);
    }

    let runner: LocalInngestRunner | null = null;
    let inngestEnv: Record<string, string> = {};
    if (!given.INNGEST_BASE_URL && !given.INNGEST_EVENT_KEY) {
      runner = await startLocalInngestRunner({
        appUrl: opts.appUrl.replace("localhost", "127.0.0.1"),
        port: (await preferredPort(opts.mode === "dev", 8290)) ?? 0,
        log: (line) => opts.log(`[workflows] ${line}`),
      });
      stops.push(runner.stop);
      inngestEnv = { INNGEST_DEV: "1", INNGEST_BASE_URL: runner.url };
    }

    // Processing probes video and grabs poster frames with Debian's ffmpeg.
    if (!ensureDebianPackages(["ffmpeg"], ["ffmpeg", "ffprobe"], opts.log)) opts.log("ffmpeg is missing: video files will be stored without metadata or poster");

    let clamdEnv: Record<string, string> = {};
    if (!given.CLAMD_HOST) {
      // Tests load only the shipped EICAR signature, so the scanner is up in a second.
      const clamd = await startClamd({ dir: path.join(opts.dataDir, "clamd"), log: opts.log, ...(opts.mode === "test" ? { systemDatabaseDir: null } : {}) });
      stops.push(clamd.stop);
      clamdEnv = { CLAMD_HOST: clamd.host, CLAMD_PORT: String(clamd.port) };
    }

    const cdnEnv = await startLocalEdge(opts, given, stops);

    const admin = await ensureAdmin(ownerDatabaseUrl, { email: given.ADMIN_EMAIL ?? "admin@framevault.local", password: given.ADMIN_PASSWORD });
    return {
      env: {
        DATABASE_URL: databaseUrl, APP_URL: opts.appUrl, AUDIT_HMAC_KEY: given.AUDIT_HMAC_KEY || auditHmacKey(opts.dataDir),
        BACKUP_ENCRYPTION_KEY: given.BACKUP_ENCRYPTION_KEY || backupEncryptionKey(opts),
        ...s3Env, ...inngestEnv, ...clamdEnv, ...cdnEnv,
      },
      ownerDatabaseUrl,
      admin,
      s3: s3Info,
      runner,
      postgresDir,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
