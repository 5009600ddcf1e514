// `npm run bench`: every scenario of issue 13 against its raw baseline in the same run, on a production build
// (`next build` unless .next is fresh, then `node server.mjs`) with the stack `npm test` uses: embedded Postgres,
// Ceph RGW, clamd and the local Inngest runner. Prints one table and writes it to bench/results/.
//   npm run bench -- [--quick] [--rows N] [--only floor,presign,file-info,small-uploads,large,mixed,lists,pipeline] [--profile DIR]
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startStack } from "../scripts/stack";
import { freePort } from "../scripts/stack/proc";
import { ensureBuild, root, startApp, startEventGate, type EventGate, type RunningApp } from "./lib/app";
import { MiB, rawS3, type BenchContext, type BenchOptions } from "./lib/context";
import { fmt, publish, verdict, type Row } from "./lib/report";

const SCENARIOS = ["floor", "presign", "file-info", "small-uploads", "large", "mixed", "lists", "pipeline"] as const;
const started = Date.now();
const log = (line: string) => console.log(`[bench ${Math.round((Date.now() - started) / 1000)}s] ${line}`);

function parseArgs(argv: string[]): BenchOptions {
  const opts: BenchOptions = { rows: 100_000, quick: false, only: null, profileDir: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") opts.quick = true;
    else if (a === "--rows") opts.rows = Number(argv[++i]);
    else if (a === "--only") opts.only = argv[++i].split(",").map((s) => s.trim());
    else if (a === "--profile") opts.profileDir = path.resolve(argv[++i]);
    else throw new Error(`unknown option ${a}; use --quick, --rows N, --only ${SCENARIOS.join(",")}, --profile DIR`);
  }
  if (!Number.isInteger(opts.rows) || opts.rows < 100) throw new Error("--rows takes a whole number ≥ 100");
  const unknown = opts.only?.filter((s) => !(SCENARIOS as readonly string[]).includes(s)) ?? [];
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.join(", ")}`);
  
  return opts;
}

/** A user of the bench (created by the admin through the API), signed in, with an API key of their own. */
async function seedUser(base: string, admin: { email: string; password: string }) {
  process.env.FRAMEVAULT_BASE_URL = base;
  const { signIn } = await import("../scripts/testing/client");
  const adminSession = await signIn(admin.email, admin.password, base);
  const email = `bench-${randomBytes(4).toString("hex")}@bench.framevault.local`;
  const password = randomBytes(18).toString("base64url");
  const created = await adminSession.json("/api/v1/users", { method: "POST", body: { email, password, name: "Bench user", role: "user" } });
  if (created.status !== 201) throw new Error(`could not create the bench user: ${JSON.stringify(created.body)}`);
  const session = await signIn(email, password, base);
  const key = await session.json("/api/v1/api-keys", { method: "POST", body: { name: "bench", scopes: ["files:read", "files:write", "files:delete"] } });
  if (key.status !== 201) throw new Error(`could not create the bench API key: ${JSON.stringify(key.body)}`);
  return { id: created.body.id as string, email, cookie: session.cookie, apiKey: key.body.secret as string };
}

const opts = parseArgs(process.argv.slice(2));
const wanted = (name: (typeof SCENARIOS)[number]) => !opts.only || opts.only.includes(name);
const work = mkdtempSync(path.join(os.tmpdir(), "framevault-bench-"));
chmodSync(work, 0o755);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const rows: Row[] = [];
let app: RunningApp | undefined;
let gate: EventGate | undefined;
let sql: postgres.Sql | undefined;
log(`starting services in ${work}`);
// The runner logs every step of every run: thousands of lines under load, so only its other news is shown.
const stackLog = (line: string) => {
  if (!/^\[workflows\] .*( run \S+: | matched no function)/.test(line)) log(line);
};
const stack = await startStack({ mode: "test", dataDir: work, appUrl: base, given: {}, log: stackLog });
let exitCode = 0;
try {
  if (!stack.runner) throw new Error("the bench needs the local Inngest runner");
  gate = await startEventGate(stack.runner.url);
  await ensureBuild(log);
  const appEnv: Record<string, string> = {
    ...stack.env,
    INNGEST_BASE_URL: gate.url,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    MAX_UPLOAD_BYTES: String(200 * MiB),
    USER_QUOTA_BYTES: String(1024 * 1024 * MiB),
    // One client from one address makes every request: the per-minute ceilings would measure themselves.
    RATE_LIMIT_API_PER_MINUTE: "100000000",
    RATE_LIMIT_UPLOAD_PER_MINUTE: "100000000",
    NODE_ENV: "production",
  };
  // The in-process pipeline scenario reads the same services through lib/env.ts.
  Object.assign(process.env, stack.env);
  app = await startApp({ port, env: appEnv, logPath: path.join(root, "bench", "results", "app.log"), profileDir: opts.profileDir ?? undefined });
  await stack.runner.sync();
  log(`app up at ${base} (pid ${app.process.pid}); seeding the bench user`);
  const user = await seedUser(base, { email: stack.admin.email, password: stack.admin.password ?? "" });
  sql = postgres(stack.ownerDatabaseUrl, { max: 32, onnotice: () => {} });
  const ctx: BenchContext = {
    base, opts, user, sql, gate,
    s3: rawS3(stack.env),
    bucket: stack.env.S3_BUCKET,
    appPid: app.process.pid,
    env: stack.env,
    processingConcurrency: Number(appEnv.PROCESSING_CONCURRENCY ?? 4),
    log,
    add: (row) => {
      rows.push(row);
      log(`${row.operation}: ${row.framevault}${row.baseline ? ` | ${row.baseline}` : ""}${row.ratio ? ` | ${row.ratio}` : ""}`);
    },
  };

  const { floorRate, presignRate, fileInfoRate } = await import("./scenarios/requests");
  const { smallUploads } = await import("./scenarios/small-uploads");
  const { largeTransfers } = await import("./scenarios/large");
  const { mixedOperations } = await import("./scenarios/mixed");
  const { listScenarios } = await import("./scenarios/lists");
  const { processingScenario } = await import("./scenarios/processing");
  const plan: [(typeof SCENARIOS)[number], () => Promise<unknown>][] = [
    ["floor", () => floorRate(ctx)],
    ["presign", () => presignRate(ctx)],
    ["file-info", () => fileInfoRate(ctx)],
    ["small-uploads", () => smallUploads(ctx)],
    ["large", () => largeTransfers(ctx)],
    ["mixed", () => mixedOperations(ctx)],
    ["lists", () => listScenarios(ctx)],
    ["pipeline", () => processingScenario(ctx)],
  ];
  for (const [name, run] of plan) {
    if (!wanted(name)) continue;
    log(`— ${name}`);
    try {
      await run();
    } catch (err) {
      exitCode = 1;
      log(`${name} failed: ${(err as Error).stack ?? err}${(err as Error).cause ? ` (cause: ${String((err as { cause?: { stack?: string } }).cause?.stack ?? (err as Error).cause)})` : ""}`);
      rows.push({ operation: name, framevault: `failed: ${(err as Error).message}`, baseline: "", ratio: "", goal: "", met: "no" });
      // A scenario that failed while holding workflow events must not defer the next one's processing.
      ctx.gate.pass();
      await ctx.gate.release();
    }
  }
} catch (err) {
  exitCode = 1;
  console.error(`[bench] ${(err as Error).stack ?? err}`);
} finally {
  await app?.stop();
  await gate?.close();
  await sql?.end({ timeout: 5 });
  await stack.stop();
  rmSync(work, { recursive: true, force: true });
}
if (rows.length) {
  const context = [
    `${new Date().toISOString()}; ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}; S3: ${stack.s3.kind}`,
    `options: rows ${opts.rows.toLocaleString()}${opts.quick ? ", quick (smaller counts)" : ""}${opts.only ? `, only ${opts.only.join(",")}` : ""}; total ${Math.round((Date.now() - started) / 1000)} s`,
  ];
  const complete = !opts.only && !opts.quick && exitCode === 0;
  const file = publish(rows, context, path.join(root, "bench", "results"), complete);
  log(`table written to ${path.relative(root, file)}${complete ? " and bench/results/latest.md" : ""}`);
}
process.exit(exitCode);
