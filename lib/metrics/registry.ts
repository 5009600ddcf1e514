import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

// The one Prometheus registry of the process, on globalThis: Next.js loads route modules more than once,
// and a second registry (or a metric registered twice) would split or refuse the figures. Each metric is
// got-or-created by name, so a module evaluated twice finds its metrics already there.
//
// Adding a metric is one line in the module that records it (names: framevault_<what>_<unit>):
//   const backups = counter("framevault_backups_total", "Backups run, by outcome.", ["outcome"]);
//   backups.inc({ outcome: "success" });
// Label values must come from a short fixed list (no ids, filenames or URLs).

const globalForMetrics = globalThis as unknown as { framevaultMetrics?: Registry };

export function metricsRegistry(): Registry {
  if (!globalForMetrics.framevaultMetrics) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters, which promtool refuses; the same figures stay, per type, in
    // nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
    for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) registry.removeSingleMetric(name);
    globalForMetrics.framevaultMetrics = registry;
  }
  return globalForMetrics.framevaultMetrics;
}

type Labels<L extends string> = readonly L[];

function existing<M>(name: string): M | undefined {
  return metricsRegistry().getSingleMetric(name) as M | undefined;
}

export function counter<L extends string>(name: string, help: string, labelNames: Labels<L> = []): Counter<L> {
  return existing<Counter<L>>(name) ?? new Counter({ name, help, labelNames, registers: [metricsRegistry()] });
}

export function histogram<L extends string>(name: string, help: string, labelNames: Labels<L>, buckets: number[]): Histogram<L> {
  return existing<Histogram<L>>(name) ?? new Histogram({ name, help, labelNames, buckets, registers: [metricsRegistry()] });
}

/** A gauge; `collect` (called at every scrape) sets its values, from memory or from a cached query. */
export function gauge<L extends string>(name: string, help: string, labelNames: Labels<L> = [], collect?: (g: Gauge<L>) => void | Promise<void>): Gauge<L> {
  return (
    existing<Gauge<L>>(name) ??
    new Gauge({ name, help, labelNames, registers: [metricsRegistry()], ...(collect ? { collect(this: Gauge<L>) { return collect(this); } } : {}) })
  );
}

/** Seconds buckets for requests and transfers: 5 ms to 5 minutes. */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const registry = metricsRegistry();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
