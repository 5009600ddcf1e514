// `npm test`: provisions what the tests need, starts throwaway services on free ports, builds and
// starts the app against them, runs every Vitest and Playwright test, and prints "N passed, N failed".
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startStack } from "./stack";
import { freePort, httpAnswers, waitUntil } from "./stack/proc";
import { ensureDebianPackages } from "./stack/provision";

const root = path.resolve(import.meta.dirname, "..");
const log = (line: string) => console.log(`[test] ${line}`);
const MiB = 1024 * 1024;
const args = process.argv.slice(2);
const only = args.find((a) => a === "--unit" || a === "--e2e");
// Anything else narrows Vitest to matching test files, e.g. `npm test -- --unit processing` (with --e2e, the
// Playwright specs: `npm test -- --e2e bulk`).
const filters = args.filter((a) => !a.startsWith("--"));

function run(cmd: string, cmdArgs: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (process.platform === "linux") ensureDebianPackages(["chromium"], ["chromium"], log);
// promtool (Debian's prometheus package) checks the /api/metrics output (lib/metrics/metrics.test.ts).
if (process.platform === "linux" && only !== "--e2e") ensureDebianPackages(["prometheus"], ["promtool"], log);

const work = mkdtempSync(path.join(tmpdir(), "framevault-test-"));
chmodSync(work, 0o755);
const port = await freePort();
// The SMTP receiver alert emails go to: app/api/v1/alerts/alerts-api.test.ts listens on it (smtp-server).
const smtpPort = await freePort();
const appUrl = `http://127.0.0.1:${port}`;
log(`starting services in ${work}`);
const stack = await startStack({ mode: "test", dataDir: work, appUrl, given: {}, log });
if (stack.s3.kind === "s3rver") log(`S3 is s3rver; it lacks: ${stack.s3.limitations.join("; ")}`);

const appEnv: Record<string, string> = {
  ...stack.env,
  // Generated per run, like the stack's database and S3 credentials: the production build never runs on a source constant.
  AUTH_SECRET: randomBytes(32).toString("base64"),
  // Room for the 30 MiB interrupted-and-resumed browser upload (e2e/resume-upload.spec.ts).
  MAX_UPLOAD_BYTES: String(32 * MiB),
  USER_QUOTA_BYTES: String(64 * MiB),
  // Below one user's quota, so bulk-download.test.ts can pass it with the files of two users.
  BULK_DOWNLOAD_MAX_BYTES: String(32 * MiB),
  // Low enough for the tests to reach; the whole suite signs in from one address, hence the IP ceiling.
  RATE_LIMIT_UPLOAD_PER_MINUTE: "60",
  // Conversion cache misses per actor: conversions.test.ts reaches it; other tests convert a file or two.
  RATE_LIMIT_CONVERSION_PER_MINUTE: "8",
  // The stack starts the nginx CDN edge and sets CDN_PROVIDER=nginx: a partial batch of invalidations waits
  // 5 s instead of a minute (lib/cdn/edge.test.ts).
  CDN_INVALIDATION_BATCH_SECONDS: "5",
  // SSO configured against an issuer that is never contacted: the sign-in page must offer it.
  WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
  AUTH_OIDC_ISSUER: "https://sso.example.test",
  AUTH_OIDC_CLIENT_ID: "framevault-test",
  AUTH_OIDC_CLIENT_SECRET: "not-a-secret",
  AUTH_OIDC_NAME: "Example SSO",
  RATE_LIMIT_SIGNIN_PER_15_MINUTES: "5",
  RATE_LIMIT_SIGNIN_IP_PER_15_MINUTES: "10000",
  // Every test request comes from 127.0.0.1 (forwarded headers are not trusted), so the per-address
  // ceiling of the API limit would be shared by the whole suite.
  RATE_LIMIT_API_PER_MINUTE: "100000",
  // Short, so the revocation test (app/api/v1/api-keys/revocation.test.ts) waits little for a change to spread.
  API_KEY_CACHE_SECONDS: "2",
  // The same for sessions' accounts (sign-out, disabling, role changes made on another instance).
  SESSION_CACHE_SECONDS: "2",
  NODE_ENV: "production",
  // Lets lib/metrics/metrics.test.ts scrape /api/metrics as Prometheus would.
  METRICS_TOKEN: randomBytes(24).toString("hex"),
  // Test-only fault injection (see lib/env.ts): files named so fail their virus-scan step twice, or always.
  FRAMEVAULT_FAULTS: "fault-twice-:virus-scan:2,fault-always-:virus-scan:always",
  // Archive delays (retrieval times and windows) run 3600 times faster: a standard Glacier retrieval (3 h) takes 3 s, a day 24 s.
  ARCHIVE_TIME_SCALE: "3600",
  // A backup chunk that failed is retried a second later, not 5 minutes (lib/backup).
  BACKUP_RETRY_DELAY: "1s",
  // Two failed processing jobs open the alert (app/api/v1/alerts/alerts-api.test.ts fails two on purpose).
  ALERT_PROCESSING_FAILURES_THRESHOLD: "2",
  // The restore drill checks every object of the set, so a corrupted one is always found (lib/backup/restore/restore-api.test.ts).
  BACKUP_DRILL_SAMPLE: "0",
  // Alert emails go to the test's SMTP receiver; when none listens, the sends fail, retry and are given up (logged).
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  ALERT_EMAIL_TO: "ops@example.test",
};

let app: ReturnType<typeof spawn> | undefined;
const appLog: string[] = [];
const appLogPath = path.join(work, "app.log");
let exitCode = 1;
const results = { passed: 0, failed: 0 };
try {
  if (!process.env.FRAMEVAULT_SKIP_BUILD) {
    log("building the app (next build)…");
    if ((await run(path.join(root, "node_modules/.bin/next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1" })) !== 0) throw new Error("next build failed");
  }
  app = spawn(process.execPath, [path.join(root, "server.mjs")], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...appEnv, PORT: String(port), HOSTNAME: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" },
  });
  const logFile = createWriteStream(appLogPath);
  const keep = (chunk: Buffer) => {
    appLog.push(chunk.toString());
    logFile.write(chunk);
  };
  app.stdout?.on("data", keep);
  app.stderr?.on("data", keep);
  await waitUntil("the app", () => httpAnswers(`${appUrl}/api/health/live`), { timeoutMs: 60_000, children: [app] });
  await stack.runner?.sync();

  const testEnv: Record<string, string> = {
    ...appEnv,
    FRAMEVAULT_BASE_URL: appUrl,
    FRAMEVAULT_OWNER_DATABASE_URL: stack.ownerDatabaseUrl,
    FRAMEVAULT_APP_LOG: appLogPath,
    FRAMEVAULT_TEST_SMTP_PORT: String(smtpPort),
    // For tests that watch the app server's memory (/proc/<pid>/status).
    FRAMEVAULT_APP_PID: String(app.pid),
    FRAMEVAULT_ADMIN_EMAIL: stack.admin.email,
    FRAMEVAULT_ADMIN_PASSWORD: stack.admin.password ?? "",
  };
  if (only !== "--e2e") {
    const report = path.join(work, "vitest.json");
    const code = await run(path.join(root, "node_modules/.bin/vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...filters], testEnv);
    const json = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : null;
    results.passed += json?.numPassedTests ?? 0;
    // A file that fails to load has no failed test but a non-zero exit: count it as a failure.
    results.failed += Math.max(json?.numFailedTests ?? 0, code === 0 ? 0 : 1);
  }
  if (only !== "--unit") {
    const report = path.join(work, "playwright.json");
    const code = await run(path.join(root, "node_modules/.bin/playwright"), ["test", ...(only === "--e2e" ? filters : [])], { ...testEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: report });
    const json = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : null;
    results.passed += (json?.stats?.expected ?? 0) + (json?.stats?.flaky ?? 0);
    results.failed += Math.max(json?.stats?.unexpected ?? 0, code === 0 ? 0 : 1);
  }
  exitCode = results.failed === 0 && results.passed > 0 ? 0 : 1;
} catch (err) {
  console.error(`[test] ${(err as Error).message}`);
  results.failed += 1;
} finally {
  if (results.failed > 0 && appLog.length > 0) {
    log("last lines of the app's log:");
    console.log(appLog.join("").split("\n").slice(-40).join("\n"));
  }
  if (app && app.exitCode === null) {
    app.kill("SIGTERM");
    await new Promise((r) => app!.once("exit", r));
  }
  await stack.stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(`\n${results.passed} passed, ${results.failed} failed`);
process.exit(exitCode);
