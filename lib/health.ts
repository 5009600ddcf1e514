import "server-only";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { sql } from "drizzle-orm";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { getDb } from "@/db/client";
import { tooMany } from "@/lib/rate-limit/limits";
import { env } from "@/lib/env";
import { recordRateLimitRefusal } from "@/lib/metrics/record";
import { pingClamd } from "@/lib/processing/clamav";
import { mediaBucket, s3 } from "@/lib/storage/s3";

// Liveness answers from the process alone. Readiness checks every dependency, at most once per
// READY_CACHE_MS however many callers ask, and shows hosts and error text only to admins.

export const READY_CACHE_MS = 5000;

export interface Check {
  ok: boolean;
  latencyMs: number;
  detail?: string;
}

const CHECK_NAMES = ["database", "objectStore", "workflows", "virusScanner"] as const;
type CheckName = (typeof CHECK_NAMES)[number];

export interface Readiness {
  status: "ok" | "degraded";
  checkedAt: string;
  /** How many times this process has run the checks: shows the cache at work. */
  checkRuns: number;
  checks: Record<CheckName, Check>;
}

/** What anyone may see: up or down and how fast, never where a dependency is or what it said. */
export interface PublicReadiness {
  status: Readiness["status"];
  checks: Record<CheckName, Pick<Check, "ok" | "latencyMs">>;
}

export function liveness() {
  return { status: "ok" as const, uptimeSeconds: Math.round(process.uptime()) };
}

async function timed(fn: () => Promise<string | undefined>): Promise<Check> {
  const started = performance.now();
  try {
    const detail = await withTimeout(fn(), 3000);
    return { ok: true, latencyMs: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), detail: err instanceof Error ? err.message : String(err) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Which workflow engine the app sends to, and whether it answers. */
async function checkWorkflows(): Promise<string | undefined> {
  const e = env();
  if (e.INNGEST_BASE_URL) {
    const res = await fetch(new URL("/health", e.INNGEST_BASE_URL), { cache: "no-store" });
    if (!res.ok && res.status !== 404) throw new Error(`workflow engine answered ${res.status}`);
    // The local runner answers /health with its function count; the Inngest dev server has no such page.
    const body = res.ok ? ((await res.json().catch(() => null)) as { functions?: number } | null) : null;
    return body?.functions !== undefined ? `local runner, ${body.functions} functions` : `Inngest at ${e.INNGEST_BASE_URL}`;
  }
  if (e.INNGEST_SIGNING_KEY && e.INNGEST_EVENT_KEY) return "Inngest Cloud";
  throw new Error("no workflow engine configured (set INNGEST_BASE_URL or the Inngest Cloud keys)");
}

let checkRuns = 0;

async function runChecks(): Promise<Readiness> {
  checkRuns += 1;
  const [database, objectStore, workflows, virusScanner] = await Promise.all([
    timed(async () => {
      await getDb().execute(sql`select 1`);
      return undefined;
    }),
    timed(async () => {
      await s3().internal.send(new HeadBucketCommand({ Bucket: mediaBucket() }));
      return undefined;
    }),
    timed(checkWorkflows),
    // Without clamd every upload waits in processing (the scan step retries), so it counts as down.
    timed(async () => {
      const { CLAMD_HOST, CLAMD_PORT } = env();
      if (!(await pingClamd({ host: CLAMD_HOST, port: CLAMD_PORT }))) throw new Error(`clamd at ${CLAMD_HOST}:${CLAMD_PORT} does not answer PING`);
      return `clamd at ${CLAMD_HOST}:${CLAMD_PORT}`;
    }),
  ]);
  const checks = { database, objectStore, workflows, virusScanner };
  const ok = CHECK_NAMES.every((name) => checks[name].ok);
  return { status: ok ? "ok" : "degraded", checkedAt: new Date().toISOString(), checkRuns, checks };
}

let cached: { result: Promise<Readiness>; expiresAt: number } | undefined;

/** The dependencies' state, from one shared run per interval: callers arriving while it runs wait for the same run. */
export function checkReadiness(): Promise<Readiness> {
  if (cached && Date.now() < cached.expiresAt) return cached.result;
  const entry = { result: runChecks(), expiresAt: Infinity };
  void entry.result.finally(() => (entry.expiresAt = Date.now() + READY_CACHE_MS));
  cached = entry;
  return entry.result;
}

export function publicReadiness(r: Readiness): PublicReadiness {
  const checks = Object.fromEntries(CHECK_NAMES.map((name) => [name, { ok: r.checks[name].ok, latencyMs: r.checks[name].latencyMs }]));
  return { status: r.status, checks: checks as PublicReadiness["checks"] };
}

// In memory, not in Postgres like the other limits: a health check must answer (and refuse) with the database down.
let limiter: RateLimiterMemory | undefined;

/** Per address, at the API's rate; callers without a known address are not counted (as in withApi). */
export async function enforceHealthRateLimit(ip: string | null): Promise<void> {
  if (!ip) return;
  limiter ??= new RateLimiterMemory({ keyPrefix: "health", points: env().RATE_LIMIT_API_PER_MINUTE, duration: 60 });
  try {
    await limiter.consume(ip);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    recordRateLimitRefusal("health");
    throw tooMany(err.msBeforeNext);
  }
}
