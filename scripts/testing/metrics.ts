// Reading GET /api/metrics in tests: the scrape (with METRICS_TOKEN, which `npm test` sets for the app and the
// tests), one sample's value, and promtool's lint of the whole text.
import { spawnSync } from "node:child_process";
import { expect } from "vitest";
import { BASE_URL } from "./client";

export const METRICS_TOKEN = process.env.METRICS_TOKEN ?? "";

export async function scrapeMetrics(): Promise<string> {
  const res = await fetch(`${BASE_URL}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/**
 * The value of one sample: `name` with exactly these labels; `missing` when the series is not there (0 for a
 * counter that has not moved yet, NaN where a missing series is itself a failure).
 */
export function metricSample(text: string, name: string, labels: Record<string, string> = {}, missing = Number.NaN): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(",");
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? "").split(/,(?=[a-zA-Z_]+=")/).filter(Boolean).sort().join(",");
    if (got === want) return Number(m[3]);
  }
  return missing;
}

/** promtool (Debian's prometheus package, installed by `npm test`) finds nothing to complain about. */
export function expectPromtoolClean(text: string): void {
  const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  expect(check.error, "promtool must be installed (npm test installs Debian's prometheus package)").toBeUndefined();
  // promtool prints lint problems and exits non-zero on any.
  expect(`${check.stdout}${check.stderr}`.trim()).toBe("");
  expect(check.status).toBe(0);
}
