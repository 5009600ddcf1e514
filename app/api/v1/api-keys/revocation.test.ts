// Revocation reaches every app instance within API_KEY_CACHE_SECONDS (keys) and SESSION_CACHE_SECONDS (sessions).
// A second instance of the built app (same database) caches the key or the session's account; the key is
// revoked, its owner disabled, or the session signed out through the first instance; the second must refuse it
// once its cache delay has passed, and from then on. The instance that made the change refuses at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminSignIn, newUser, sessionFromCookie } from "@/scripts/testing/client";
import { startSecondApp, type SecondApp } from "@/scripts/testing/second-app";

const TTL_SECONDS = Number(process.env.API_KEY_CACHE_SECONDS);
const SESSION_TTL_SECONDS = Number(process.env.SESSION_CACHE_SECONDS);
// Polls per cache delay while the change spreads: how many requests the delay may still admit is
// bounded by the number of polls that fit in it.
const POLLS_PER_TTL = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let second: SecondApp | undefined;
let secondBase: string;

beforeAll(async () => {
  second = await startSecondApp();
  secondBase = second.base;
}, 90_000);

afterAll(async () => {
  await second?.stop();
});

function withKey(secret: string, base?: string) {
  const session = sessionFromCookie("", base);
  return () => session.fetch("/api/v1/files?limit=1", { headers: { authorization: `Bearer ${secret}` } }).then(async (r) => (await r.arrayBuffer(), r.status));
}

/**
 * Polls after a change until the key is refused: returns how many requests were still admitted, then
 * checks it stays refused. Never more polls than the delay allows plus a margin, so a key that is never
 * refused fails the test instead of looping.
 */
async function acceptedUntilRefused(call: () => Promise<number>, ttlSeconds: number): Promise<{ accepted: number; statuses: number[] }> {
  const interval = (ttlSeconds * 1000) / POLLS_PER_TTL;
  const statuses: number[] = [];
  for (let i = 0; i < POLLS_PER_TTL + 3; i++) {
    const status = await call();
    statuses.push(status);
    if (status === 401) break;
    await sleep(interval);
  }
  return { accepted: statuses.filter((s) => s === 200).length, statuses };
}

/**
 * After a change made through the first instance: refused there at once, on the second within the delay (no
 * more admitted than the polls that fit in it), and from then on on both.
 */
async function expectRefusedEverywhere(onFirst: () => Promise<number>, onSecond: () => Promise<number>, ttlSeconds: number): Promise<void> {
  expect(await onFirst()).toBe(401);
  const spread = await acceptedUntilRefused(onSecond, ttlSeconds);
  expect(spread.statuses.at(-1), JSON.stringify(spread.statuses)).toBe(401);
  expect(spread.accepted).toBeLessThanOrEqual(POLLS_PER_TTL + 1);
  await sleep(ttlSeconds * 1000 + 500);
  for (let i = 0; i < 5; i++) {
    expect(await onSecond()).toBe(401);
    expect(await onFirst()).toBe(401);
  }
}

describe("API key revocation across app instances", () => {
  it("is configured with a short delay for the test run", () => {
    expect(TTL_SECONDS).toBeGreaterThan(0);
    expect(TTL_SECONDS).toBeLessThanOrEqual(5);
  });

  it("refuses a revoked key at once on the instance that revoked it, and within the delay on another", async () => {
    const owner = await newUser();
    const created = await owner.session.json("/api/v1/api-keys", { method: "POST", body: { name: "spread", scopes: ["files:read"] } });
    expect(created.status).toBe(201);
    const onFirst = withKey(created.body.secret);
    const onSecond = withKey(created.body.secret, secondBase);
    // Both instances have read (and cached) the key.
    expect(await onFirst()).toBe(200);
    expect(await onSecond()).toBe(200);

    expect((await owner.session.json(`/api/v1/api-keys/${created.body.id}`, { method: "DELETE" })).status).toBe(200);
    await expectRefusedEverywhere(onFirst, onSecond, TTL_SECONDS);
  }, 60_000);

  it("refuses the keys of a disabled owner within the delay on another instance", async () => {
    const admin = await adminSignIn();
    const owner = await newUser();
    const created = await owner.session.json("/api/v1/api-keys", { method: "POST", body: { name: "owner off", scopes: ["files:read"] } });
    const onFirst = withKey(created.body.secret);
    const onSecond = withKey(created.body.secret, secondBase);
    expect(await onFirst()).toBe(200);
    expect(await onSecond()).toBe(200);

    expect((await admin.json(`/api/v1/users/${owner.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
    await expectRefusedEverywhere(onFirst, onSecond, TTL_SECONDS);
  }, 60_000);
});

describe("the end of a session across app instances", () => {
  const withCookie = (cookie: string, base?: string) => {
    const session = sessionFromCookie(cookie, base);
    return () => session.fetch("/api/v1/files?limit=1").then(async (r) => (await r.arrayBuffer(), r.status));
  };

  it("is configured with a short delay for the test run", () => {
    expect(SESSION_TTL_SECONDS).toBeGreaterThan(0);
    expect(SESSION_TTL_SECONDS).toBeLessThanOrEqual(5);
  });

  it("refuses a signed-out session at once on the instance that ended it, and within the delay on another", async () => {
    const user = await newUser();
    const onFirst = withCookie(user.session.cookie);
    const onSecond = withCookie(user.session.cookie, secondBase);
    // Both instances have read (and cached) the session's account.
    expect(await onFirst()).toBe(200);
    expect(await onSecond()).toBe(200);

    // Sign-out through Auth.js's own endpoint on the first instance, as the app's button does.
    const { csrfToken } = await (await user.session.fetch("/api/auth/csrf")).json();
    const out = await user.session.fetch("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken }),
    });
    expect(out.status).toBe(302);
    await expectRefusedEverywhere(onFirst, onSecond, SESSION_TTL_SECONDS);
  }, 60_000);

  it("applies a role change made on one instance to the session's requests on the other within the delay", async () => {
    const admin = await adminSignIn();
    const user = await newUser();
    const usersList = (base?: string) => {
      const session = sessionFromCookie(user.session.cookie, base);
      return () => session.fetch("/api/v1/users").then(async (r) => (await r.arrayBuffer(), r.status));
    };
    expect(await usersList()()).toBe(403);
    expect(await usersList(secondBase)()).toBe(403);
    expect((await admin.json(`/api/v1/users/${user.id}`, { method: "PATCH", body: { role: "admin" } })).status).toBe(200);
    await sleep(SESSION_TTL_SECONDS * 1000 + 500);
    expect(await usersList(secondBase)()).toBe(200);
    expect(await usersList()()).toBe(200);
  }, 60_000);
});
