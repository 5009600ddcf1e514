import { z } from "zod";
import { retrievalPricing } from "@/lib/archive/pricing";
import { parseEncryptionKey } from "@/lib/backup/format";

// The one place that reads process.env. Defaults match the embedded stack that `npm run dev` starts,
// so a fresh checkout runs without any configuration.
const MiB = 1024 * 1024;
const bool = z
  .enum(["true", "false", "1", "0", ""])
  .transform((v) => v === "true" || v === "1");

// The embedded stack's credentials: fine on a developer's machine, refused in production (see below).
const DEV_DEFAULTS = {
  DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:54329/framevault",
  AUTH_SECRET: "framevault-local-development-secret-change-me",
  S3_ACCESS_KEY_ID: "framevault-local",
  S3_SECRET_ACCESS_KEY: "framevault-local-secret",
  // 32 bytes, hex: the dumps of a developer's backups are encrypted with a key everyone can read here.
  BACKUP_ENCRYPTION_KEY: "6672616d657661756c742d6c6f63616c2d6261636b75702d6b65792d21212121",
};

/** `5m`, `30s`, `2h`, `1500ms` or a number of milliseconds. */
const duration = z.string().transform((v, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: "custom", message: "a duration such as 5m, 30s, 2h or 1500ms" });
    return z.NEVER;
  }
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "ms") as "ms" | "s" | "m" | "h"]);
});

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: z.url().default("http://localhost:3000"),
  DATABASE_URL: z.string().min(1).default(DEV_DEFAULTS.DATABASE_URL),
  AUTH_SECRET: z.string().min(1).default(DEV_DEFAULTS.AUTH_SECRET),
  /** Keys the audit hash chain and its S3 checkpoints; lives outside the database. Required in production. */
  AUDIT_HMAC_KEY: z.string().min(32).optional(),
  /** How often the app extends the audit chain over new rows. */
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(200).default(2000),

  S3_ENDPOINT: z.url().default("http://127.0.0.1:7480"),
  /** Endpoint the browser uses for presigned URLs when it differs from the server's (e.g. inside Docker). */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).default(DEV_DEFAULTS.S3_ACCESS_KEY_ID),
  S3_SECRET_ACCESS_KEY: z.string().min(1).default(DEV_DEFAULTS.S3_SECRET_ACCESS_KEY),
  S3_BUCKET: z.string().min(3).default("framevault-media"),
  /** Server-side encryption requested on every object write. */
  S3_SSE: z.enum(["AES256", "aws:kms", "none"]).default("AES256"),
  S3_SSE_KMS_KEY_ID: z.string().optional(),
  /** Connections the server keeps to S3 (kept alive): one per request in flight, uploads' parts and downloads alike. */
  S3_MAX_SOCKETS: z.coerce.number().int().min(1).default(256),
  /** Downloads of at least this size answer a browser navigation with a redirect to a presigned URL. */
  DOWNLOAD_REDIRECT_MIN_BYTES: z.coerce.number().int().min(0).default(8 * MiB),
  /** Lifetime of the presigned URL a download redirect points to. */
  DOWNLOAD_REDIRECT_EXPIRES_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Largest total of the files one bulk ZIP download may hold (`POST /api/v1/files/bulk-download`). */
  BULK_DOWNLOAD_MAX_BYTES: z.coerce.number().int().positive().default(2048 * MiB),

  /** CDN delivery (D3): off, the self-hosted nginx edge (`npm test` starts one), or CloudFront. See README "CDN". */
  CDN_PROVIDER: z.enum(["off", "nginx", "cloudfront"]).default("off"),
  /** The edge's host (`cdn.example.com`, https) or its origin URL (`http://127.0.0.1:8480`). */
  CDN_DOMAIN: z.string().min(1).optional(),
  /** Lifetime of the signed edge URL of an original (`cdnUrl`). */
  CDN_URL_EXPIRES_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /** Lifetime of the signed edge URL of an immutable variant (rounded up to a whole day, so it stays the same URL all day). */
  CDN_VARIANT_URL_EXPIRES_SECONDS: z.coerce.number().int().min(3600).max(31_536_000).default(31_536_000),
  /** How long the edge keeps an original (the spec's media cache: 24 h default, 1 year at most). */
  CDN_ORIGINAL_TTL_SECONDS: z.coerce.number().int().min(0).max(31_536_000).default(86_400),
  /** Shared by the app and the edge only: the edge sends it to the origin route; the app sends it with nginx refreshes. */
  CDN_EDGE_SECRET: z.string().min(32).optional(),
  /** nginx `secure_link_md5` secret the signed edge URLs are made with. */
  CDN_SIGNING_SECRET: z.string().min(16).optional(),
  /** The nginx edge's cache-status log (one `$upstream_cache_status` a line), read for the hit ratio when this machine can. */
  CDN_NGINX_CACHE_LOG: z.string().min(1).optional(),
  CLOUDFRONT_DISTRIBUTION_ID: z.string().min(1).optional(),
  /** The public key id of the distribution's trusted key group, and its private key (PEM; `\\n` escapes allowed). */
  CLOUDFRONT_KEY_PAIR_ID: z.string().min(1).optional(),
  CLOUDFRONT_PRIVATE_KEY: z.string().min(1).optional(),
  /** CloudFront API endpoint; only for a test double, AWS's own is used when unset. Credentials: the AWS SDK's default chain. */
  CLOUDFRONT_API_ENDPOINT: z.url().optional(),
  /** A partial batch of invalidation paths waits this long for more before it is sent (a full batch of 1000 goes at once). */
  CDN_INVALIDATION_BATCH_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** More paths than this waiting are collapsed into one `/media/*` wildcard (CloudFront allows 3000 in progress). */
  CDN_INVALIDATION_WILDCARD_ABOVE: z.coerce.number().int().min(1).default(3000),

  INNGEST_BASE_URL: z.url().optional(),
  INNGEST_DEV: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),

  /** SSO through any OpenID Connect provider; on when all three are set. */
  AUTH_OIDC_ISSUER: z.url().optional(),
  AUTH_OIDC_CLIENT_ID: z.string().min(1).optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  AUTH_OIDC_NAME: z.string().min(1).default("SSO"),
  /** Email domains that may sign in through SSO (comma-separated); empty lets any verified address in. */
  AUTH_OIDC_ALLOWED_DOMAINS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean)),
  /** Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed; empty: the socket address is the client. */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((p) => p.trim()).filter(Boolean)),

  ADMIN_EMAIL: z.email().default("admin@framevault.local"),
  ADMIN_PASSWORD: z.string().min(8).optional(),

  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(100 * MiB),
  MULTIPART_THRESHOLD_BYTES: z.coerce.number().int().positive().default(10 * MiB),
  MULTIPART_PART_BYTES: z.coerce.number().int().min(5 * MiB).default(5 * MiB),
  USER_QUOTA_BYTES: z.coerce.number().int().positive().default(10 * 1024 * MiB),
  ALLOWED_MIME_TYPES: z
    .string()
    .default(
      "image/jpeg,image/png,image/webp,image/avif,image/gif,image/tiff,image/heic,image/heif,video/mp4,video/webm,video/quicktime,video/x-matroska",
    )
    .transform((v) => v.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean)),
  /** Lifetime of each presigned upload request; Uppy signs every part just before sending it. */
  PRESIGN_EXPIRES_SECONDS: z.coerce.number().int().min(60).max(3600).default(300),
  /** A browser upload not completed within this is expired by the sweep (object, multipart upload, quota). */
  UPLOAD_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).default(3600),
  TRASH_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /**
   * How long an app instance trusts what it read about an API key (revoked, expired, owner disabled or
   * demoted, scopes): a change made on another instance applies here within this many seconds (on the
   * instance that made it, at once). 0 reads the key on every request.
   */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  /**
   * The same for a session's account (its role, whether it is disabled, whether the session was ended): sign-out,
   * disabling or a role change made on another instance applies here within this many seconds (at once on the
   * instance that made it). 0 reads the account on every request.
   */
  SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  RATE_LIMIT_UPLOAD_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_SIGNIN_PER_15_MINUTES: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_SIGNIN_IP_PER_15_MINUTES: z.coerce.number().int().positive().default(100),
  /** Cache misses of `?format=` conversions per minute per user/key (each one decodes and re-encodes an image). */
  RATE_LIMIT_CONVERSION_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Largest image (width × height) that any sharp operation decodes: processing, previews, conversions. */
  IMAGE_MAX_INPUT_PIXELS: z.coerce.number().int().positive().default(40_000_000),
  /** Format conversions running at once in this process, and how long a request waits for a free one. */
  CONVERSION_CONCURRENCY: z.coerce.number().int().min(1).default(2),
  CONVERSION_QUEUE_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
  /**
   * How archiving and retrieval talk to the store: `aws` (transitions and RestoreObject, watched through
   * HeadObject's Restore field) or `storage-class` (CopyObject between classes; cold objects stay readable,
   * so the app refuses them and retrieves by copying back to STANDARD after the tier's delay).
   */
  ARCHIVE_PROVIDER: z.enum(["aws", "storage-class"]).default("storage-class"),
  /** Divides every archive delay (retrieval times, retrieval windows): 3600 makes an hour last a second. */
  ARCHIVE_TIME_SCALE: z.coerce.number().positive().default(1),
  /** JSON overriding the retrieval price/time table, e.g. `{"GLACIER":{"standard":{"perGb":0.012}}}` (see lib/archive/pricing.ts). */
  ARCHIVE_RETRIEVAL_PRICING: z.string().default(""),
  /** Reconciliation reports an object without a row only once it is older than this (uploads in flight are safe). */
  RECONCILE_GRACE_HOURS: z.coerce.number().min(0).max(8760).default(24),
  /** Lets webhooks reach loopback and private addresses (local receivers, tests); off in production. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  LOG_SQL: bool.default(false),
  /** Lowest level the JSON logger writes (pino levels). */
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** Bearer token that may read `GET /api/metrics` (a Prometheus scraper); unset, only an admin session can. */
  METRICS_TOKEN: z.string().min(16).optional(),

  /**
   * Backups (B1-B3): the backup store, an S3 bucket of its own (README "Backups"). Endpoint and credentials
   * default to the media store's (copies are then server-side); the bucket is created with Object Lock.
   */
  BACKUP_S3_ENDPOINT: z.url().optional(),
  BACKUP_S3_REGION: z.string().min(1).optional(),
  BACKUP_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  BACKUP_S3_BUCKET: z.string().min(3).default("framevault-backups"),
  /** An optional second backup store that receives the same sets (on when its endpoint and bucket are set). */
  BACKUP_SECONDARY_S3_ENDPOINT: z.url().optional(),
  BACKUP_SECONDARY_S3_REGION: z.string().min(1).optional(),
  BACKUP_SECONDARY_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  BACKUP_SECONDARY_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  BACKUP_SECONDARY_S3_BUCKET: z.string().min(3).optional(),
  /** Encrypts the database dumps (AES-256-GCM): 64 hex characters or base64 of 32 bytes. Kept outside the database. */
  BACKUP_ENCRYPTION_KEY: z.string().min(1).default(DEV_DEFAULTS.BACKUP_ENCRYPTION_KEY),
  /** Schedules (UTC): full weekly, incremental the other days. */
  BACKUP_FULL_CRON: z.string().min(9).default("0 2 * * 0"),
  BACKUP_INCREMENTAL_CRON: z.string().min(9).default("0 2 * * 1-6"),
  /** Sets kept (B2); an incremental is never kept without its full. */
  BACKUP_KEEP_FULL: z.coerce.number().int().min(1).default(4),
  BACKUP_KEEP_INCREMENTAL: z.coerce.number().int().min(0).default(7),
  /** Objects copied at once, and files per chunk (one workflow step: a crash resumes at a chunk). */
  BACKUP_PARALLEL_COPIES: z.coerce.number().int().min(1).max(64).default(5),
  BACKUP_CHUNK_FILES: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** A failed chunk is retried this many times, this long apart. */
  BACKUP_RETRIES: z.coerce.number().int().min(0).max(20).default(3),
  BACKUP_RETRY_DELAY: duration.default(5 * 60_000),
  /** Alerts: a run going for longer than this, and a set this many percent larger than the previous of its type. */
  BACKUP_TIMEOUT_MINUTES: z.coerce.number().int().min(1).default(60),
  BACKUP_SIZE_ANOMALY_PERCENT: z.coerce.number().min(1).default(50),
  /** The weekly restore drill (B3, UTC): the latest verified set restored into a scratch schema and prefix. */
  BACKUP_DRILL_CRON: z.string().min(9).default("0 4 * * 0"),
  /** Objects the drill copies back and checks (0: every object of the set). */
  BACKUP_DRILL_SAMPLE: z.coerce.number().int().min(0).default(100),

  /** The ClamAV daemon that scans every upload (INSTREAM over TCP); `npm run dev` and `npm test` start one. */
  CLAMD_HOST: z.string().min(1).default("127.0.0.1"),
  CLAMD_PORT: z.coerce.number().int().min(1).max(65535).default(3310),
  /** Processing work with no progress for this long is re-sent by the sweep. */
  PROCESSING_STALL_SECONDS: z.coerce.number().int().min(10).default(120),
  /** Processing steps running at once across all files (Inngest `concurrency`); one camera (or owner) gets half. */
  PROCESSING_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(4),
  /** Alert rules (lib/alerts/rules): processing failures (failed jobs of live files) per window. */
  ALERT_PROCESSING_FAILURES_THRESHOLD: z.coerce.number().int().min(1).default(5),
  ALERT_PROCESSING_FAILURES_WINDOW_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Bytes stored (every owner's versions and trash) above which the storage alert opens; 0 turns it off. */
  ALERT_STORAGE_BYTES_THRESHOLD: z.coerce.number().int().min(0).default(1024 * 1024 * MiB),
  /** Failed webhook deliveries of one endpoint per window. */
  ALERT_WEBHOOK_FAILURES_THRESHOLD: z.coerce.number().int().min(1).default(5),
  ALERT_WEBHOOK_FAILURES_WINDOW_MINUTES: z.coerce.number().int().min(1).default(60),
  /** The audit chain is re-verified (a full pass) at most this often by the alert rule. */
  ALERT_AUDIT_VERIFY_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Archive alerts (the spec's archive alerting): a run still going after this long, and this month's retrieval estimates above this. */
  ALERT_ARCHIVE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).default(120),
  ALERT_RETRIEVAL_COST_USD: z.coerce.number().min(0).default(100),
  /** Alert emails (opened / resolved): the SMTP server (`smtp://user:pass@host:587`, `smtps://…:465`); unset, no email. */
  SMTP_URL: z.string().min(1).optional(),
  ALERT_EMAIL_FROM: z.string().min(3).default("Framevault <alerts@framevault.local>"),
  /** Who gets alert emails (comma-separated addresses); unset, no email even with SMTP_URL. */
  ALERT_EMAIL_TO: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((a) => a.trim()).filter(Boolean)),
  /** Monthly storage prices per GiB by tier, for the dashboard's cost figures (AWS S3 list prices as defaults). */
  STORAGE_PRICE_PER_GB_MONTH_STANDARD: z.coerce.number().min(0).default(0.023),
  STORAGE_PRICE_PER_GB_MONTH_INFREQUENT: z.coerce.number().min(0).default(0.0125),
  STORAGE_PRICE_PER_GB_MONTH_ARCHIVE: z.coerce.number().min(0).default(0.0036),
  STORAGE_PRICE_PER_GB_MONTH_DEEP_ARCHIVE: z.coerce.number().min(0).default(0.00099),
  /** `file.view` is recorded at most once per actor and file in this many minutes (a page refetching its file). */
  AUDIT_VIEW_COALESCE_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /**
   * Test-only fault injection, off when unset: `<filename prefix>:<step>:<times|always>` entries,
   * comma-separated, make that processing step throw on its first <times> attempts for files whose
   * name starts with the prefix. Never set it in production.
   */
  FRAMEVAULT_FAULTS: z
    .string()
    .default("")
    .transform((v) =>
      v.split(",").map((e) => e.trim()).filter(Boolean).map((entry) => {
        const [prefix, step, times] = entry.split(":");
        return { prefix, step, times: times === "always" ? Infinity : Number(times) };
      }),
    ),
}).superRefine((e, ctx) => {
  try {
    retrievalPricing(e.ARCHIVE_RETRIEVAL_PRICING);
  } catch (err) {
    ctx.addIssue({ code: "custom", path: ["ARCHIVE_RETRIEVAL_PRICING"], message: `ARCHIVE_RETRIEVAL_PRICING is not a valid price table: ${(err as Error).message}` });
  }
  if (e.SMTP_URL !== undefined) {
    let ok = false;
    try {
      const u = new URL(e.SMTP_URL);
      ok = (u.protocol === "smtp:" || u.protocol === "smtps:") && u.hostname !== "";
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://… (unset it to send no alert emails)" });
  }
  for (const to of e.ALERT_EMAIL_TO) {
    if (!z.email().safeParse(to).success) ctx.addIssue({ code: "custom", path: ["ALERT_EMAIL_TO"], message: `ALERT_EMAIL_TO must be comma-separated email addresses ("${to}" is not one)` });
  }
  const need = (name: keyof typeof e, why: string) => {
    if (!e[name]) ctx.addIssue({ code: "custom", path: [name], message: `${name} is required ${why}` });
  };
  if (e.CDN_PROVIDER !== "off") {
    need("CDN_DOMAIN", "when CDN_PROVIDER is set");
    need("CDN_EDGE_SECRET", "when CDN_PROVIDER is set (openssl rand -hex 32)");
  }
  try {
    parseEncryptionKey(e.BACKUP_ENCRYPTION_KEY);
  } catch (err) {
    ctx.addIssue({ code: "custom", path: ["BACKUP_ENCRYPTION_KEY"], message: `BACKUP_ENCRYPTION_KEY: ${(err as Error).message} (openssl rand -hex 32)` });
  }
  if (e.BACKUP_SECONDARY_S3_ENDPOINT && !e.BACKUP_SECONDARY_S3_BUCKET) need("BACKUP_SECONDARY_S3_BUCKET", "when BACKUP_SECONDARY_S3_ENDPOINT is set");
  if (e.CDN_PROVIDER === "nginx") need("CDN_SIGNING_SECRET", "for the nginx edge (openssl rand -hex 24)");
  if (e.CDN_PROVIDER === "cloudfront") {
    for (const name of ["CLOUDFRONT_DISTRIBUTION_ID", "CLOUDFRONT_KEY_PAIR_ID", "CLOUDFRONT_PRIVATE_KEY"] as const) need(name, "for CloudFront");
  }
  // Production never runs on a secret or credential that is written in this file.
  if (e.NODE_ENV !== "production") {
    if (e.AUTH_SECRET.length < 16) ctx.addIssue({ code: "custom", path: ["AUTH_SECRET"], message: "AUTH_SECRET must be at least 16 characters" });
    return;
  }
  const refuse = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message, params: { refusal: true } });
  if (e.AUTH_SECRET === DEV_DEFAULTS.AUTH_SECRET || Buffer.byteLength(e.AUTH_SECRET) < 32) {
    refuse("AUTH_SECRET", "set AUTH_SECRET to 32+ random bytes (openssl rand -base64 32)");
  }
  if (e.DATABASE_URL === DEV_DEFAULTS.DATABASE_URL || /^postgres(ql)?:\/\/postgres:postgres@/.test(e.DATABASE_URL)) {
    refuse("DATABASE_URL", "set DATABASE_URL to your database, with a user and password of its own (not postgres:postgres)");
  }
  if (e.S3_ACCESS_KEY_ID === DEV_DEFAULTS.S3_ACCESS_KEY_ID || e.S3_SECRET_ACCESS_KEY === DEV_DEFAULTS.S3_SECRET_ACCESS_KEY) {
    refuse("S3_ACCESS_KEY_ID", "set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY to your S3 credentials (not the local framevault-local ones)");
  }
  if (e.BACKUP_ENCRYPTION_KEY === DEV_DEFAULTS.BACKUP_ENCRYPTION_KEY) {
    refuse("BACKUP_ENCRYPTION_KEY", "set BACKUP_ENCRYPTION_KEY to 32 random bytes kept outside the database and the backup store (openssl rand -hex 32)");
  }
  if (!e.AUDIT_HMAC_KEY) {
    refuse("AUDIT_HMAC_KEY", "set AUDIT_HMAC_KEY to 32+ random characters kept outside the database (openssl rand -hex 32)");
  }
});

export type Env = z.infer<typeof schema>;

/** Parses a set of variables; a production setup still on development credentials fails with one line saying what to set. */
export function parseEnv(vars: Record<string, string | undefined>): Env {
  const result = schema.safeParse(vars);
  if (result.success) return result.data;
  const refusals = result.error.issues.filter((i) => i.code === "custom" && i.params?.refusal);
  if (refusals.length > 0) throw new Error(`Refusing to start in production: ${refusals.map((i) => i.message).join("; ")}`);
  throw new Error(`Invalid environment: ${z.prettifyError(result.error)}`);
}

let parsed: Env | undefined;

/** Parsed once, on first use, so `next build` does not need runtime configuration. */
export function env(): Env {
  parsed ??= parseEnv(process.env);
  return parsed;
}

/** The drill's schedule alone, for its workflow's cron trigger (built when the module loads). */
export function backupDrillCron(): string {
  return schema.shape.BACKUP_DRILL_CRON.parse(process.env.BACKUP_DRILL_CRON);
}

/**
 * PROCESSING_CONCURRENCY alone, for the workflow's static config, which is built when the module loads
 * (also during `next build`, where the rest of the environment may be missing).
 */
export function processingConcurrency(): number {
  return schema.shape.PROCESSING_CONCURRENCY.parse(process.env.PROCESSING_CONCURRENCY);
}

/** BACKUP_RETRIES alone, for the backup workflows' static config (built when the module loads). */
export function backupRetries(): number {
  return schema.shape.BACKUP_RETRIES.parse(process.env.BACKUP_RETRIES);
}

/** The backup schedules alone, for the workflows' cron triggers (built when the module loads). */
export function backupCrons(): { full: string; incremental: string } {
  return { full: schema.shape.BACKUP_FULL_CRON.parse(process.env.BACKUP_FULL_CRON), incremental: schema.shape.BACKUP_INCREMENTAL_CRON.parse(process.env.BACKUP_INCREMENTAL_CRON) };
}
