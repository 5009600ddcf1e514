// What every scenario is given: the running app, a signed-in user with an API key (the bench user), the raw S3
// client for baselines, the database's owner connection, the event gate and the run's options.
import type { S3Client } from "@aws-sdk/client-s3";
import postgres from "postgres";
import { makeS3Client } from "../../lib/storage/s3-client";
import { fakeJpeg, sha256 } from "../../scripts/testing/fixtures";
import type { EventGate } from "./app";
import { expectStatus, runLoad } from "./load";
import type { Row } from "./report";

export interface BenchOptions {
  rows: number;
  quick: boolean;
  only: string[] | null;
  /** `--profile DIR`: the app server writes a CPU profile there. */
  profileDir: string | null;
}

export interface BenchContext {
  base: string;
  opts: BenchOptions;
  user: { id: string; email: string; cookie: string; apiKey: string };
  s3: S3Client;
  bucket: string;
  sql: postgres.Sql;
  gate: EventGate;
  appPid: number | undefined;
  /** The services' variables (the stack's env), e.g. CLAMD_HOST for a baseline scan. */
  env: Record<string, string>;
  /** The app's PROCESSING_CONCURRENCY. */
  processingConcurrency: number;
  log(line: string): void;
  add(row: Row): void;
}

export const KiB = 1024;
export const MiB = 1024 * KiB;

export { sha256 };

/** A raw S3 client with enough sockets for any scenario's concurrency (the SDK's default is 50). */
export function rawS3(env: Record<string, string>): S3Client {
  return makeS3Client({ endpoint: env.S3_ENDPOINT, region: env.S3_REGION, accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }, { maxSockets: 1100 });
}

export function apiHeaders(ctx: BenchContext, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${ctx.user.apiKey}`, ...extra };
}

/** The headers a browser on the app's pages sends with its session. */
export function browserHeaders(ctx: BenchContext, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie: ctx.user.cookie, origin: new URL(ctx.base).origin, ...extra };
}

/** `POST /api/v1/files/upload` with the bench user's API key; returns the new file's id. */
export async function apiUpload(ctx: BenchContext, name: string, bytes: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "image/jpeg" }), name);
  const send = () => fetch(`${ctx.base}/api/v1/files/upload`, { method: "POST", headers: apiHeaders(ctx), body: form });
  let answer: Response;
  try {
    answer = await send();
  } catch (err) {
    // Node's fetch (undici) closes a connection whose answer came while it was still finishing the body of a large
    // request, and now and then puts the next request on that same closing connection: EPIPE before a byte reaches
    // the server (the app logs no such request). That request is sent again, once, on a new connection.
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code !== "EPIPE" && code !== "ECONNRESET") throw err;
    ctx.log(`${name}: ${code} on a reused connection before the request reached the app; sent again`);
    answer = await send();
  }
  const res = await expectStatus(answer, 201);
  return ((await res.json()) as { fileId: string }).fileId;
}

/** Small files that processing has made ready, uploaded once per run and shared by the scenarios that read. */
let readyFiles: Promise<{ id: string; sha256: string; size: number }[]> | undefined;
export function readySmallFiles(ctx: BenchContext, count: number): Promise<{ id: string; sha256: string; size: number }[]> {
  readyFiles ??= (async () => {
    ctx.gate.pass();
    const made: { id: string; sha256: string; size: number }[] = [];
    await runLoad(count, 16, async (i) => {
      const bytes = fakeJpeg(256 * KiB);
      made.push({ id: await apiUpload(ctx, `ready-${i}.jpg`, bytes), sha256: sha256(bytes), size: bytes.length });
    });
    await waitReady(ctx, made.map((f) => f.id), 600_000);
    await quiesce(ctx);
    return made;
  })();
  return readyFiles;
}

/**
 * Waits until the runner has no run in progress: a file is `ready` before its run's last steps (the outcome's
 * announcement) and the webhook fan-outs it starts have run, and a request-rate scenario measured right after
 * would share the CPU with them.
 */
export async function quiesce(ctx: BenchContext, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let calm = 0;
  while (Date.now() < deadline) {
    const runs = (await (await fetch(new URL("/runs", ctx.gate.url))).json()) as { status: string; startedAt: string }[];
    const busy = runs.some((r) => r.status === "running" || Date.now() - Date.parse(r.startedAt) < 1000);
    calm = busy ? 0 : calm + 1;
    if (calm >= 3) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  ctx.log(`the runner was still busy after ${timeoutMs / 1000} s; measuring anyway`);
}

/** Waits until every file left `processing`; throws if any ended anything but `ready`. */
export async function waitReady(ctx: BenchContext, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const rows = await ctx.sql<{ status: string; n: number }[]>`select status::text, count(*)::int as n from files where id = any(${ids}::uuid[]) group by status`;
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const line = `waiting for processing: ${JSON.stringify(by)}`;
    if (line !== last) ctx.log(line);
    last = line;
    if (!by.processing) {
      if ((by.ready ?? 0) !== ids.length) throw new Error(`processing ended with ${JSON.stringify(by)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`files still processing after ${timeoutMs / 1000} s: ${last}`);
}

/** Counts files still processing among `ids` (the backlog). */
export async function stillProcessing(ctx: BenchContext, ids: string[]): Promise<number> {
  const [{ n }] = await ctx.sql<{ n: number }[]>`select count(*)::int as n from files where id = any(${ids}::uuid[]) and status = 'processing'`;
  return n;
}
