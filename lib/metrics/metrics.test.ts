// GET /api/metrics against the running app: refused without the token, valid Prometheus text with it (checked
// by promtool, which `npm test` installs from Debian), and the transfer counters move by exactly what was sent.
import { beforeAll, describe, expect, it } from "vitest";
import { waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, anonymous, apiUpload, BASE_URL, newUser } from "@/scripts/testing/client";
import { fakeJpeg, sha256 } from "@/scripts/testing/fixtures";
import { expectPromtoolClean, METRICS_TOKEN, metricSample, scrapeMetrics } from "@/scripts/testing/metrics";

/** A counter not moved yet reads 0. */
const sample = (text: string, name: string, labels: Record<string, string> = {}) => metricSample(text, name, labels, 0);

describe("GET /api/metrics", () => {
  beforeAll(() => {
    expect(METRICS_TOKEN, "npm test sets METRICS_TOKEN for the app and the tests").not.toBe("");
  });

  it("is 401 in the error envelope without the token, with a wrong one, or for a signed-in non-admin", async () => {
    const none = await anonymous.json("/api/metrics");
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: "unauthorized", message: expect.any(String), requestId: none.headers.get("x-request-id") } });
    const wrong = await fetch(`${BASE_URL}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN.slice(1)}x` } });
    expect(wrong.status).toBe(401);
    const { session } = await newUser();
    expect((await session.fetch("/api/metrics")).status).toBe(401);
  });

  it("answers an admin session without the token", async () => {
    const admin = await adminSignIn();
    const res = await admin.fetch("/api/metrics");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("framevault_http_requests_total");
  });

  it("counts one upload and one download by exactly their count and bytes", async () => {
    const { session } = await newUser();
    const bytes = fakeJpeg(200_000 + Math.floor(Math.random() * 1000));
    const before = await scrapeMetrics();
    const up = await apiUpload(session, { name: "metered.jpg", type: "image/jpeg", bytes });
    expect(up.status).toBe(201);
    expect(await waitUntilProcessed(up.body.fileId)).toBe("ready");
    const down = await session.fetch(`/api/v1/files/${up.body.fileId}/download`);
    expect(down.status).toBe(200);
    expect(sha256(Buffer.from(await down.arrayBuffer()))).toBe(sha256(bytes));
    const after = await scrapeMetrics();

    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("framevault_uploads_total", { path: "api" })).toBe(1);
    expect(delta("framevault_upload_bytes_total", { path: "api" })).toBe(bytes.length);
    expect(delta("framevault_upload_duration_seconds_count", { path: "api" })).toBe(1);
    expect(delta("framevault_downloads_total", { path: "download" })).toBe(1);
    expect(delta("framevault_download_bytes_total", { path: "download" })).toBe(bytes.length);
    expect(delta("framevault_download_duration_seconds_count", { path: "download" })).toBe(1);
    // Nothing else was uploaded or downloaded meanwhile.
    expect(delta("framevault_uploads_total", { path: "browser_presigned" })).toBe(0);
    expect(delta("framevault_downloads_total", { path: "variant" })).toBe(0);
    // Its processing ran and was counted under each step.
    expect(delta("framevault_processing_step_runs_total", { step: "verify-checksum", outcome: "ok" })).toBeGreaterThanOrEqual(1);
    expect(delta("framevault_processing_outcomes_total", { status: "ready" })).toBeGreaterThanOrEqual(1);
  });

  it("passes promtool check metrics, with route templates (no ids) as labels", async () => {
    const text = await scrapeMetrics();
    expectPromtoolClean(text);
    for (const name of [
      "framevault_http_requests_total", "framevault_http_request_duration_seconds", "framevault_uploads_total", "framevault_downloads_total",
      "framevault_processing_step_runs_total", "framevault_files", "framevault_file_bytes", "framevault_camera_files", "framevault_queue_depth",
      "framevault_queue_oldest_seconds", "framevault_rate_limit_refusals_total", "framevault_audit_chain_length", "process_cpu_seconds_total",
      "framevault_archive_last_success_timestamp_seconds", "framevault_retrievals", "framevault_cdn_edge_urls_issued",
      "framevault_cdn_invalidation_paths_month", "framevault_cdn_invalidation_cost_dollars_month", "framevault_cdn_edge_hit_ratio",
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
    const routes = [...text.matchAll(/^framevault_http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]);
    expect(routes).toContain("/api/v1/files/[id]/download");
    expect(routes.filter((r) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(r))).toEqual([]);
  });
});
