// Load generation and the figures the table prints: a fixed number of calls at a fixed concurrency, each
// call's latency kept for percentiles; the app server's resident memory sampled from /proc.
import { readFileSync } from "node:fs";

export interface LoadResult {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
  firstError?: string;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Runs `call(i)` for i in [0, count) with `concurrency` calls in flight; a throw counts as an error. */
export async function runLoad(count: number, concurrency: number, call: (i: number) => Promise<void>): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        try {
          await call(i);
          latenciesMs.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= (err as Error).message;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { count, errors, seconds, perSecond: (count - errors) / seconds, latenciesMs, firstError };
}

/** Throws with the status and body when a response is not the expected status; returns the response otherwise. */
export async function expectStatus(res: Response, ...statuses: number[]): Promise<Response> {
  if (statuses.includes(res.status)) return res;
  const text = await res.text().catch(() => "");
  throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
}

/** Reads a body to its end and returns its length, keeping nothing. */
export async function drain(res: Response): Promise<number> {
  let n = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
  return n;
}

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Peak VmRSS of a process (and its children passed along) while `work` runs, sampled every 50 ms. */
export async function withPeakRss<T>(pid: number | undefined, work: () => Promise<T>): Promise<{ result: T; peakRssMiB: number | null }> {
  if (!pid || process.platform !== "linux") return { result: await work(), peakRssMiB: null };
  let peak = rssKiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssKiB(pid))), 50);
  try {
    const result = await work();
    peak = Math.max(peak, rssKiB(pid));
    return { result, peakRssMiB: Math.round(peak / 1024) };
  } finally {
    clearInterval(timer);
  }
}
