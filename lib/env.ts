import { z } from "zod";

// The one place that reads process.env. Defaults match the embedded stack that `npm run dev` starts,
// so a fresh checkout runs without any configuration.
const MiB = 1024 * 1024;
const bool = z
  .enum(["true", "false", "1", "0", ""])
  .transform((v) => v === "true" || v === "1");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_URL: z.url().default("http://localhost:3000"),
  DATABASE_URL: z.string().min(1).default("postgres://postgres:postgres@127.0.0.1:54329/framevault"),
  AUTH_SECRET: z.string().min(16).default("framevault-local-development-secret-change-me"),

  S3_ENDPOINT: z.url().default("http://127.0.0.1:7480"),
  /** Endpoint the browser uses for presigned URLs when it differs from the server's (e.g. inside Docker). */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).default("framevault-local"),
  S3_SECRET_ACCESS_KEY: z.string().min(1).default("framevault-local-secret"),
  S3_BUCKET: z.string().min(3).default("framevault-media"),
  /** Server-side encryption requested on every object write. */
  S3_SSE: z.enum(["AES256", "aws:kms", "none"]).default("AES256"),
  S3_SSE_KMS_KEY_ID: z.string().optional(),

  INNGEST_BASE_URL: z.url().optional(),
  INNGEST_DEV: z.string().optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_SIGNING_KEY: z.string().optional(),

  /** SSO through any OpenID Connect provider; on when all three are set. */
  AUTH_OIDC_ISSUER: z.url().optional(),
  AUTH_OIDC_CLIENT_ID: z.string().min(1).optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  AUTH_OIDC_NAME: z.string().min(1).default("SSO"),

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
  PRESIGN_EXPIRES_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  TRASH_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
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
  /** Lets webhooks reach loopback and private addresses (local receivers, tests); off in production. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  LOG_SQL: bool.default(false),

  /** The ClamAV daemon that scans every upload (INSTREAM over TCP); `npm run dev` and `npm test` start one. */
  CLAMD_HOST: z.string().min(1).default("127.0.0.1"),
  CLAMD_PORT: z.coerce.number().int().min(1).max(65535).default(3310),
  /** Processing work with no progress for this long is re-sent by the sweep. */
  PROCESSING_STALL_SECONDS: z.coerce.number().int().min(10).default(120),
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
});

export type Env = z.infer<typeof schema>;

let parsed: Env | undefined;

/** Parsed once, on first use, so `next build` does not need runtime configuration. */
export function env(): Env {
  if (!parsed) {
    const result = schema.safeParse(process.env);
    if (!result.success) {
      throw new Error(`Invalid environment: ${z.prettifyError(result.error)}`);
    }
    parsed = result.data;
  }
  return parsed;
}
