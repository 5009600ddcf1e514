// Health: liveness without I/O, readiness cached and without internals for anyone but admins. A second
// instance of the built app, whose virus scanner does not answer, shows the degraded side and the limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/stack/proc";
import { adminSignIn, anonymous, newUser, sessionFromCookie, type Session } from "@/scripts/testing/client";
import { startSecondApp, type SecondApp } from "@/scripts/testing/second-app";

const CHECKS = ["database", "objectStore", "virusScanner", "workflows"];
// What must never reach an anonymous caller: addresses, daemon names, error text.
const INTERNALS = [/127\.0\.0\.1/, /localhost/, /clamd/i, /runner/i, /PING/, /detail/, /https?:/];

function expectPublicShape(body: any) {
  expect(Object.keys(body).sort()).toEqual(["checks", "status"]);
  expect(Object.keys(body.checks).sort()).toEqual(CHECKS);
  for (const name of CHECKS) expect(Object.keys(body.checks[name]).sort()).toEqual(["latencyMs", "ok"]);
  const text = JSON.stringify(body);
  for (const pattern of INTERNALS) expect(text).not.toMatch(pattern);
}

let admin: Session;

beforeAll(async () => {
  admin = await adminSignIn();
});

describe("GET /api/health/live", () => {
  it("answers ok from the process alone", async () => {
    const res = await anonymous.json("/api/health/live");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", uptimeSeconds: expect.any(Number) });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /api/health/ready", () => {
  it("shows anonymous callers up/down and latency only, and /api/health is the same check", async () => {
    for (const route of ["/api/health/ready", "/api/health"]) {
      const res = await anonymous.json(route);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe("ok");
      expectPublicShape(res.body);
      for (const name of CHECKS) expect(res.body.checks[name].ok).toBe(true);
    }
  });

  it("shows a plain user and a key without the admin scope no more than anyone", async () => {
    const user = await newUser();
    expectPublicShape((await user.session.json("/api/health/ready")).body);
    const key = await admin.json("/api/v1/api-keys", { method: "POST", body: { name: "health reader", scopes: ["files:read"] } });
    expect(key.status).toBe(201);
    const res = await anonymous.json("/api/health/ready", { headers: { authorization: `Bearer ${key.body.secret}` } });
    expectPublicShape(res.body);
  });

  it("shows admins, by session or admin-scoped key, where each dependency is", async () => {
    const key = await admin.json("/api/v1/api-keys", { method: "POST", body: { name: "health admin", scopes: ["admin"] } });
    expect(key.status).toBe(201);
    const asKey = await anonymous.json("/api/health/ready", { headers: { authorization: `Bearer ${key.body.secret}` } });
    for (const res of [await admin.json("/api/health/ready"), asKey]) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: "ok", checkedAt: expect.any(String), checkRuns: expect.any(Number), cacheSeconds: 5 });
      expect(res.body.checks.virusScanner.detail).toMatch(/^clamd at 127\.0\.0\.1:\d+$/);
      expect(res.body.checks.workflows.detail).toMatch(/local runner|Inngest/);
    }
  });

  it("runs the checks at most once per interval however many callers ask", async () => {
    const runs = async () => (await admin.json("/api/health/ready")).body.checkRuns as number;
    const started = Date.now();
    const before = await runs();
    const flood = await Promise.all(Array.from({ length: 60 }, () => anonymous.json("/api/health/ready")));
    const after = await runs();
    const intervals = Math.floor((Date.now() - started) / 5000);
    expect(flood.every((r) => r.status === 200)).toBe(true);
    // 62 requests: one run per cache interval that passed, plus the run in flight at each end.
    expect(after - before).toBeLessThanOrEqual(intervals + 1);
  });
});

describe("an instance whose virus scanner is down", () => {
  let app: SecondApp | undefined;
  let base: string;

  beforeAll(async () => {
    app = await startSecondApp({ CLAMD_PORT: String(await freePort()), RATE_LIMIT_API_PER_MINUTE: "20" });
    base = app.base;
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
  });

  it("is live but not ready, and tells anonymous callers which part is down but not why", async () => {
    const live = await fetch(`${base}/api/health/live`);
    expect(live.status).toBe(200);
    const res = await fetch(`${base}/api/health/ready`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe("degraded");
    expectPublicShape(body);
    expect(body.checks.virusScanner.ok).toBe(false);
    expect(body.checks.database.ok).toBe(true);
  });

  it("tells an admin what failed", async () => {
    const res = await sessionFromCookie(admin.cookie, base).json("/api/health/ready");
    expect(res.status).toBe(503);
    expect(res.body.checks.virusScanner).toMatchObject({ ok: false, detail: expect.stringMatching(/does not answer PING/) });
  });

  it("limits readiness requests per address, while liveness keeps answering", async () => {
    const headers = { "x-forwarded-for": "203.0.113.9" };
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      const res = await fetch(`${base}/api/health/ready`, { headers });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(limited).toBeDefined();
    expect(limited!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await limited!.json()).toEqual({ error: { code: "rate_limited", message: expect.any(String), requestId: expect.any(String) } });
    // RATE_LIMIT_API_PER_MINUTE is 20 for this instance; its earlier requests may share the address.
    expect(statuses.filter((s) => s === 503).length).toBeLessThanOrEqual(20);
    expect((await fetch(`${base}/api/health/live`, { headers })).status).toBe(200);
  });
});
