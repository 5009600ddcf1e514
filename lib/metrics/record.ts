import "server-only";
import type { Readable } from "node:stream";
import { counter, gauge, histogram, SECONDS_BUCKETS } from "./registry";

// What the request path records as it goes: one small function per kind of event, so callers never
// touch label names. The figures read from Postgres are in inventory.ts.

const httpRequests = counter("framevault_http_requests_total", "HTTP requests answered, by route template, method and status.", ["route", "method", "status"]);
const httpDuration = histogram(
  "framevault_http_request_duration_seconds",
  "Time to the response (its headers; a streamed body may take longer), by route template, method and status.",
  ["route", "method", "status"],
  SECONDS_BUCKETS,
);

// Requests server.mjs handed straight to a route handler (lib/api/fast-lane.mjs), read from the lane at each scrape.
gauge("framevault_http_fast_lane_requests", "API requests answered through the fast lane (route handler without Next.js's router) since the process started.", [], (g) => {
  const lane = (globalThis as Record<symbol, { served: number } | null | undefined>)[Symbol.for("framevault.fastLane")];
  g.set(lane?.served ?? 0);
});

/** `route` is the route's template (`/api/v1/files/[id]`), never the concrete path. */
export function recordHttpRequest(route: string, method: string, status: number, seconds: number): void {
  const labels = { route, method, status: String(status) };
  httpRequests.inc(labels);
  httpDuration.observe(labels, seconds);
}

/**
 * Where bytes come in or go out: `browser_presigned` (the browser straight to S3), `api` (a multipart
 * upload through the app), `download` (an original), `variant` (a thumbnail or preview), `conversion`
 * (a `?format=` re-encoding).
 */
export type TransferPath = "browser_presigned" | "api" | "download" | "variant" | "conversion";

const uploads = counter("framevault_uploads_total", "Uploads completed, by path.", ["path"]);
const uploadBytes = counter("framevault_upload_bytes_total", "Bytes of completed uploads, by path.", ["path"]);
const uploadDuration = histogram("framevault_upload_duration_seconds", "Upload time, by path (presigned: from the session's start).", ["path"], SECONDS_BUCKETS);
const downloads = counter("framevault_downloads_total", "Downloads sent to the end, by path.", ["path"]);
const downloadBytes = counter("framevault_download_bytes_total", "Bytes of downloads sent to the end, by path.", ["path"]);
const downloadDuration = histogram("framevault_download_duration_seconds", "Download time from the request to the last byte, by path.", ["path"], SECONDS_BUCKETS);
const downloadsAborted = counter("framevault_downloads_aborted_total", "Downloads the client left before the end, by path.", ["path"]);

export function recordUpload(path: TransferPath, bytes: number, seconds: number): void {
  uploads.inc({ path });
  uploadBytes.inc({ path }, bytes);
  uploadDuration.observe({ path }, seconds);
}

export function recordDownload(path: TransferPath, bytes: number, seconds: number): void {
  downloads.inc({ path });
  downloadBytes.inc({ path }, bytes);
  downloadDuration.observe({ path }, seconds);
}

export function recordDownloadAborted(path: TransferPath): void {
  downloadsAborted.inc({ path });
}

const processingRuns = counter("framevault_processing_step_runs_total", "Processing step runs, by step and outcome (ok or error; an error is retried).", ["step", "outcome"]);
const processingDuration = histogram(
  "framevault_processing_step_duration_seconds",
  "Processing step duration, by step and outcome.",
  ["step", "outcome"],
  [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
);
const processingOutcomes = counter("framevault_processing_outcomes_total", "Processing runs finished, by the file's resulting status.", ["status"]);

export function recordProcessingStep(step: string, outcome: "ok" | "error", seconds: number): void {
  processingRuns.inc({ step, outcome });
  processingDuration.observe({ step, outcome }, seconds);
}

export function countProcessingOutcome(status: string): void {
  processingOutcomes.inc({ status });
}

const rateLimited = counter("framevault_rate_limit_refusals_total", "Requests refused by a rate limit, by limit.", ["limit"]);

export function recordRateLimitRefusal(limit: string): void {
  rateLimited.inc({ limit });
}

/** Seconds since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * Counts a download when its body has been read to the end (`bytes`, what storage said it sends), or as
 * aborted when it closes before. Listens to `end` and `close` only, so the stream's flow is untouched.
 */
export function meterDownload(body: Readable, path: TransferPath, bytes: number): void {
  const started = performance.now();
  let ended = false;
  body.once("end", () => {
    ended = true;
    recordDownload(path, bytes, secondsSince(started));
  });
  body.once("close", () => {
    if (!ended) recordDownloadAborted(path);
  });
}

const auditVerifiedAt = gauge("framevault_audit_last_verification_timestamp_seconds", "When this process last verified the audit chain (Unix time; 0: not since it started).");
const auditVerifiedValid = gauge("framevault_audit_last_verification_valid", "Whether that verification found the chain intact (1) or broken (0).");

export function recordAuditVerification(valid: boolean): void {
  auditVerifiedAt.set(Date.now() / 1000);
  auditVerifiedValid.set(valid ? 1 : 0);
}
