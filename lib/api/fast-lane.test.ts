// The API fast lane (lib/api/fast-lane.mjs): the test run's app serves /api requests through it; a second
// instance of the same build with API_FAST_LANE=off serves them through Next.js's router. The same requests
// must get the same answers from both (status, headers, body), and the lane must really be in use.
import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes, matchRoute } from "@/lib/api/fast-lane.mjs";
import { adminSignIn, apiUpload, BASE_URL, rawExchange as exchange, sessionFromCookie, type Session } from "@/scripts/testing/client";
import { makeJpeg } from "@/scripts/testing/fixtures";
import { metricSample, scrapeMetrics } from "@/scripts/testing/metrics";
import { startSecondApp, type SecondApp } from "@/scripts/testing/second-app";

describe("the fast lane's route table", () => {
  const routes = apiRoutes({
    "/(app)/files/page": "app/(app)/files/page.js",
    "/api/auth/[...nextauth]/route": "app/api/auth/[...nextauth]/route.js",
    "/api/cdn/origin/[...path]/route": "app/api/cdn/origin/[...path]/route.js",
    "/api/v1/files/[id]/route": "app/api/v1/files/[id]/route.js",
    "/api/v1/files/upload/route": "app/api/v1/files/upload/route.js",
    "/api/v1/files/[id]/download/route": "app/api/v1/files/[id]/download/route.js",
    "/api/v1/files/backup/status/route": "app/api/v1/files/backup/status/route.js",
    "/api/(grouped)/v1/things/route": "app/api/(grouped)/v1/things/route.js",
    "/api/v1/docs/[[...slug]]/route": "app/api/v1/docs/[[...slug]]/route.js",
  });
  const pattern = (path: string) => matchRoute(routes, path)?.route.pattern ?? null;

  it("leaves pages and Auth.js to Next.js", () => {
    expect(routes.map((r) => r.pattern)).not.toContain("/files");
    expect(pattern("/api/auth/session")).toBeNull();
    expect(pattern("/api/auth/callback/credentials")).toBeNull();
  });

  it("tries static segments before dynamic ones, and decodes params as Next.js does", () => {
    expect(pattern("/api/v1/files/upload")).toBe("/api/v1/files/upload");
    expect(matchRoute(routes, "/api/v1/files/a%20b")?.params).toEqual({ id: "a b" });
    expect(pattern("/api/v1/files/backup/status")).toBe("/api/v1/files/backup/status");
    expect(matchRoute(routes, "/api/v1/files/x1/download")?.params).toEqual({ id: "x1" });
    expect(pattern("/api/v1/files/x1/other")).toBeNull();
    expect(() => matchRoute(routes, "/api/v1/files/%E0%A4%A")).toThrow(URIError);
  });

  it("matches catch-alls, optional catch-alls and route groups", () => {
    expect(matchRoute(routes, "/api/cdn/origin/media/a/b.jpg")?.params).toEqual({ path: ["media", "a", "b.jpg"] });
    expect(pattern("/api/cdn/origin")).toBeNull();
    expect(matchRoute(routes, "/api/v1/docs")?.params).toEqual({});
    expect(matchRoute(routes, "/api/v1/docs/a/b")?.params).toEqual({ slug: ["a", "b"] });
    expect(pattern("/api/v1/things")).toBe("/api/v1/things");
  });
});

/** Headers that differ between any two answers (time, ids, the connection) are left out of the comparison. */
const VARYING = new Set(["date", "x-request-id", "keep-alive", "connection", "etag", "last-modified"]);
/** Bodies name the request id and times: those are masked. */
function normalised(body: Buffer, headers: Record<string, string | string[] | undefined>): string {
  const type = String(headers["content-type"] ?? "");
  // Compressed bodies compare by their content (two gzip runs of the same text need not be byte-identical).
  if (headers["content-encoding"] === "gzip") body = gunzipSync(body);
  if (!type.includes("json")) return body.toString("base64");
  return body
    .toString("utf8")
    .replace(/"requestId":"[^"]*"/g, '"requestId":"…"')
    .replace(/"uptimeSeconds":\d+/g, '"uptimeSeconds":…')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/X-Amz-[A-Za-z-]+=[^&"]+/g, "X-Amz-…");
}

let second: SecondApp | undefined;
let admin: Session;
let fileId: string;

beforeAll(async () => {
  second = await startSecondApp({ API_FAST_LANE: "off" });
  admin = await adminSignIn();
  const up = await apiUpload(admin, { name: `lane-${randomUUID().slice(0, 8)}.jpg`, type: "image/jpeg", bytes: await makeJpeg(64, 64) });
  expect(up.status).toBe(201);
  fileId = up.body.id;
}, 90_000);

afterAll(async () => {
  await second?.stop();
});

describe("the fast lane answers as Next.js does", () => {
  const cases: { name: string; path: () => string; method?: string; auth?: boolean; headers?: Record<string, string>; body?: string; varying?: string[] }[] = [
    // The uptime's digits (so the length) differ between the two processes.
    { name: "liveness", path: () => "/api/health/live", varying: ["content-length"] },
    { name: "no credentials", path: () => "/api/v1/files?limit=2" },
    { name: "a list", path: () => "/api/v1/files?limit=2&sortBy=name&sortOrder=asc", auth: true },
    { name: "a file", path: () => `/api/v1/files/${fileId}`, auth: true },
    { name: "an unknown file", path: () => `/api/v1/files/${randomUUID()}`, auth: true },
    { name: "a malformed id", path: () => "/api/v1/files/not-a-uuid", auth: true },
    { name: "a download", path: () => `/api/v1/files/${fileId}/download`, auth: true },
    { name: "a Range", path: () => `/api/v1/files/${fileId}/download`, auth: true, headers: { range: "bytes=10-99" } },
    { name: "a gzipped download", path: () => `/api/v1/files/${fileId}/download`, auth: true, headers: { "accept-encoding": "gzip" } },
    { name: "a large JSON body, gzipped", path: () => "/api/v1/openapi.json", headers: { "accept-encoding": "gzip" } },
    { name: "HEAD of a GET route", path: () => `/api/v1/files/${fileId}`, method: "HEAD", auth: true },
    { name: "OPTIONS", path: () => "/api/v1/files", method: "OPTIONS" },
    { name: "a method the route lacks", path: () => "/api/health/live", method: "DELETE" },
    { name: "malformed JSON", path: () => "/api/v1/webhooks", method: "POST", auth: true, headers: { "content-type": "application/json" }, body: "{not json" },
    { name: "a form where JSON is expected", path: () => "/api/v1/webhooks", method: "POST", auth: true, headers: { "content-type": "text/plain" }, body: "hello" },
    { name: "a trailing slash", path: () => "/api/v1/files/", auth: true },
    { name: "a bad escape", path: () => "/api/v1/files/%E0%A4%A", auth: true },
    { name: "no such API route", path: () => "/api/v1/nothing-here", auth: true },
  ];

  it.each(cases)("$name", async (c) => {
    const headers = { ...(c.auth ? { cookie: admin.cookie, origin: new URL(BASE_URL).origin } : {}), ...c.headers };
    const secondHeaders = { ...(c.auth ? { cookie: admin.cookie, origin: new URL(second!.base).origin } : {}), ...c.headers };
    const path = c.path();
    const viaLane = await exchange(BASE_URL, path, { method: c.method, headers, body: c.body });
    const viaNext = await exchange(second!.base, path, { method: c.method, headers: secondHeaders, body: c.body });
    const strip = (h: Record<string, string | string[] | undefined>) => Object.fromEntries(Object.entries(h).filter(([k]) => !VARYING.has(k) && !c.varying?.includes(k)).sort());
    expect({ status: viaLane.status, headers: strip(viaLane.headers), body: normalised(viaLane.body, viaLane.headers) }).toEqual({
      status: viaNext.status,
      headers: strip(viaNext.headers),
      body: normalised(viaNext.body, viaNext.headers),
    });
  });

  it("is the path the test run's app takes, and the API_FAST_LANE=off instance's is not", async () => {
    const before = metricSample(await scrapeMetrics(), "framevault_http_fast_lane_requests");
    for (let i = 0; i < 5; i++) expect((await exchange(BASE_URL, "/api/health/live")).status).toBe(200);
    const after = metricSample(await scrapeMetrics(), "framevault_http_fast_lane_requests");
    // The scrape itself goes through the lane too.
    expect(after - before).toBeGreaterThanOrEqual(5);
    const secondMetrics = await sessionFromCookie(admin.cookie, second!.base).fetch("/api/metrics");
    expect(metricSample(await secondMetrics.text(), "framevault_http_fast_lane_requests")).toBe(0);
  });
});
