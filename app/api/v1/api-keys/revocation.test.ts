// Revocation reaches every app instance within API_KEY_CACHE_SECONDS. A second instance of the built app
// (same database) caches the key; the key is revoked, or its owner disabled, through the first instance's
// API; the second must refuse it once its cache delay has passed, and from then on. The instance that made
// the change refuses at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminSignIn, newUser, sessionFromCookie } from "@/scripts/testing/client";
import { startSecondApp, type SecondApp } from "@/scripts/testing/second-app";

const TTL_SECONDS = Number(process.env.API_KEY_CACHE_SECONDS);
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
async function acceptedUntilRefused(call: () => Promise<number>): Promise<{ accepted: number; statuses: number[] }> {
  const interval = (TTL_SECONDS * 1000) / POLLS_PER_TTL;
  const statuses: number[] = [];
  for (let i = 0; i < POLLS_PER_TTL + 3; i++) {
    const status = await call();
    statuses.push(status);
    if (status === 401) break;
    await sleep(interval);
  }
  return { accepted: statuses.filter((s) => s === 200).length, statuses };
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
    expect(await onFirst()).toBe(401);

    const spread = await acceptedUntilRefused(onSecond);
    expect(spread.statuses.at(-1), JSON.stringify(spread.statuses)).toBe(401);
    expect(spread.accepted).toBeLessThanOrEqual(POLLS_PER_TTL + 1);
    // Once the delay has certainly passed, it stays refused everywhere.
    await sleep(TTL_SECONDS * 1000 + 500);
    for (let i = 0; i < 5; i++) {
      expect(await onSecond()).toBe(401);
      expect(await onFirst()).toBe(401);
    }
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
    expect(await onFirst()).toBe(401);
    const spread = await acceptedUntilRefused(onSecond);
    expect(spread.statuses.at(-1), JSON.stringify(spread.statuses)).toBe(401);
    expect(spread.accepted).toBeLessThanOrEqual(POLLS_PER_TTL + 1);
    await sleep(TTL_SECONDS * 1000 + 500);
    for (let i = 0; i < 5; i++) expect(await onSecond()).toBe(401);
  }, 60_000);
});
