import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalInngestRunner, type LocalInngestRunner } from "@/scripts/inngest-runner";
import { startStack, type Stack } from "@/scripts/stack";
import { freePort, httpAnswers, stopChild, waitUntil } from "@/scripts/stack/proc";
import { waitForStatus } from "@/scripts/testing/backends";
import { apiUpload, signIn } from "@/scripts/testing/client";

// Durability never rests on the workflow engine: a stack of its own (Postgres, S3, clamd, runner and the
// built app), killed while a file is mid-processing and started again. The app's processing_jobs row
// and the scheduled sweep finish the work without anyone acting.

const root = path.resolve(import.meta.dirname, "../..");
let work: string;
let stack: Stack;
let app: ChildProcess | undefined;
let runner: LocalInngestRunner | undefined;
let appUrl: string;
let port: number;
let sql: postgres.Sql;

async function startApp() {
  app = spawn(process.execPath, [path.join(root, "server.mjs")], {
    cwd: root,
    stdio: "ignore",
    env: {
      ...process.env,
      ...stack.env,
      AUTH_SECRET: "framevault-durability-secret-0123456789",
      // Short enough for a test to wait out; the first three scans of restart-* files fail, so the
      // file is still processing (between retries) when the stack is killed.
      PROCESSING_STALL_SECONDS: "10",
      FRAMEVAULT_FAULTS: "restart-:virus-scan:3",
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  await waitUntil("the app", () => httpAnswers(`${appUrl}/api/health`), { timeoutMs: 60_000, children: [app] });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "framevault-durability-"));
  port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  stack = await startStack({ mode: "test", dataDir: work, appUrl, given: {}, log: () => {} });
  runner = stack.runner!;
  sql = postgres(stack.env.DATABASE_URL, { max: 2, onnotice: () => {} });
  await startApp();
  await runner.sync();
}, 180_000);

afterAll(async () => {
  if (app && app.exitCode === null) await stopChild(app, "SIGKILL");
  await runner?.stop().catch(() => {});
  await sql?.end({ timeout: 5 });
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe("a restart of the stack while a file is processing", () => {
  it("loses nothing: the sweep re-sends the work and the file ends ready", async () => {
    const admin = await signIn(stack.admin.email, stack.admin.password!, appUrl);
    const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#345" } }).png().toBuffer();
    const uploaded = await apiUpload(admin, { name: "restart-gate.png", type: "image/png", bytes: png });
    expect(uploaded.status).toBe(201);
    const fileId = uploaded.body.fileId as string;

    // Mid-run: the scan has failed at least once and the runner is waiting to retry it.
    const job = async () => (await sql`select status, step, last_error, resends from processing_jobs where file_id = ${fileId}`)[0];
    expect(await waitForStatus(async () => String((await job())?.last_error !== null && (await job())?.step === "virus-scan"), "true", 30_000)).toBe("true");

    // Kill the app and the engine: every run, retry timer and event in the runner's memory is gone.
    await stopChild(app!, "SIGKILL");
    const runnerPort = Number(new URL(runner!.url).port);
    await runner!.stop();
    expect((await sql`select status from files where id = ${fileId}`)[0].status).toBe("processing");

    runner = await startLocalInngestRunner({ appUrl, port: runnerPort, log: () => {} });
    await startApp();
    await runner.sync();

    const status = await waitForStatus(async () => (await sql`select status from files where id = ${fileId}`)[0].status, "ready", 180_000);
    expect(status).toBe("ready");
    expect(await job()).toMatchObject({ status: "succeeded", last_error: null });
    expect((await job()).resends).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
