// `npm run dev`: the whole product on embedded defaults. Starts Postgres, the S3 server and the
// workflow runner (each unless configured through env), migrates, seeds an admin, then runs
// `next dev`. One Ctrl-C stops everything; data stays in .data/.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import nextEnv from "@next/env";
import { startStack } from "./stack";
import { machineAddresses } from "./stack/addresses";
import { httpAnswers, waitUntil } from "./stack/proc";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.join(root, ".data");
// .env.local and friends, read the way Next.js reads them, so a configured service is not started locally.
nextEnv.loadEnvConfig(root, true);
const port = Number(process.env.PORT ?? 3000);
const appUrl = process.env.APP_URL ?? `http://localhost:${port}`;
const log = (line: string) => console.log(`[framevault] ${line}`);

mkdirSync(dataDir, { recursive: true });
log("starting the local stack…");
const stack = await startStack({ mode: "dev", dataDir, appUrl, given: process.env, log });

// A generated admin password is only known at creation: keep it beside the data so every start can print it.
const credentialsFile = path.join(dataDir, "admin-credentials.json");
if (stack.admin.password) writeFileSync(credentialsFile, JSON.stringify(stack.admin, null, 2), { mode: 0o600 });
const saved = existsSync(credentialsFile) ? (JSON.parse(readFileSync(credentialsFile, "utf8")) as { email: string; password: string }) : null;

if (stack.s3.kind === "s3rver") {
  log("WARNING: Ceph RGW is not available here, so S3 is s3rver. What does not work with it:");
  for (const l of stack.s3.limitations) log(`  - ${l}`);
}

const next = spawn(process.execPath, [path.join(root, "server.mjs"), "--dev"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, ...stack.env, PORT: String(port) },
});

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  if (next.exitCode === null) {
    next.kill("SIGTERM");
    await new Promise((r) => next.once("exit", r));
  }
  await stack.stop();
  log("stopped.");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
next.on("exit", (code) => void shutdown(code ?? 0));

await waitUntil("the app", () => httpAnswers(`http://127.0.0.1:${port}/api/health/live`), { timeoutMs: 180_000, children: [next] });
await stack.runner?.sync();
console.log(
  [
    "",
    "  Framevault is running",
    `  App:        ${appUrl}`,
    `  Also at:    ${[`http://127.0.0.1:${port}`, ...machineAddresses().map((h) => `http://${h}:${port}`)].join("  ")}`,
    `  Health:     ${appUrl}/api/health/ready (live: /api/health/live)`,
    `  Admin:      ${saved?.email ?? stack.admin.email}`,
    `  Password:   ${stack.admin.password ?? saved?.password ?? "(unchanged; set ADMIN_PASSWORD to reset it)"}`,
    `  Database:   ${stack.env.DATABASE_URL ? withoutPassword(stack.env.DATABASE_URL) : "from DATABASE_URL"}`,
    ...(stack.postgresDir ? [`  DB files:   ${stack.postgresDir}`] : []),
    `  S3:         ${stack.env.S3_ENDPOINT ?? process.env.S3_ENDPOINT} (${stack.s3.kind})`,
    ...(stack.env.CDN_DOMAIN ? [`  CDN edge:   ${stack.env.CDN_DOMAIN} (nginx; cdnUrl in API responses)`] : []),
    `  Workflows:  ${stack.runner ? `local runner at ${stack.runner.url}` : `Inngest at ${process.env.INNGEST_BASE_URL ?? "Inngest Cloud"}`}`,
    `  Audit key:  ${process.env.AUDIT_HMAC_KEY ? "from AUDIT_HMAC_KEY" : path.join(dataDir, "audit-hmac-key")} (back it up: the audit chain is verified with it)`,
    `  Data:       ${dataDir}`,
    "  Press Ctrl-C to stop everything.",
    "",
  ].join("\n"),
);

/** The app role's password is new at every start and only for the app: the banner shows where, not how. */
function withoutPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}
