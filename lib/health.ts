import "server-only";
import { HeadBucketCommand } from "@aws-sdk/client-s3";
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { pingClamd } from "@/lib/processing/clamav";
import { mediaBucket, s3 } from "@/lib/storage/s3";

export interface Check {
  ok: boolean;
  latencyMs: number;
  detail?: string;
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
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
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

export async function checkHealth() {
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
  const ok = database.ok && objectStore.ok && workflows.ok && virusScanner.ok;
  return { status: ok ? ("ok" as const) : ("degraded" as const), checks: { database, objectStore, workflows, virusScanner } };
}
