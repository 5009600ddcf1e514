// CDN delivery (D3) through the real nginx edge that `npm test` starts in front of the app (CDN_PROVIDER=nginx):
// signed edge URLs download the stored bytes and are cached; expired, tampered or re-pointed signatures are
// refused by the edge; replacing or deleting a file queues its paths, the drain workflow invalidates them,
// and the edge then serves the new bytes or refuses; 2500 queued changes end in at most 3 requests.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { env } from "@/lib/env";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { anonymous, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { makeJpeg } from "@/scripts/testing/fixtures";
import { nginxSecureLinkHash } from "./nginx";
import { enqueueCdnInvalidation, requestCdnInvalidationRun } from "./queue";
import { readCdnStats } from "./stats";

let alice: Awaited<ReturnType<typeof newUser>>;

beforeAll(async () => {
  alice = await newUser();
});

async function uploadReady(session: Session, bytes: Buffer, name = "edge.jpg") {
  const up = await apiUpload(session, { name, type: "image/jpeg", bytes });
  expect(up.status, JSON.stringify(up.body)).toBe(201);
  expect(await waitUntilProcessed(up.body.fileId)).toBe("ready");
  const detail = await session.json(`/api/v1/files/${up.body.fileId}`);
  expect(detail.status).toBe(200);
  return detail.body as { fileId: string; cdnUrl: string | null; url: string; variants: { name: string; cdnUrl: string | null }[] };
}

async function edgeGet(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The drain workflow's record of an invalidation that covered `path`, once it completed. */
async function waitForCompletedInvalidation(path: string, since: Date, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await testSql()`select id, status, paths, provider_id, attempts from cdn_invalidations where ${path} = any(paths) and created_at >= ${since}`;
    const done = rows.find((r) => r.status === "completed");
    if (done) return done;
    if (Date.now() > deadline) throw new Error(`no completed invalidation of ${path} after ${timeoutMs} ms (${JSON.stringify(rows)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("edge URLs (nginx)", () => {
  it("download the stored bytes through the edge, the second fetch from its cache, with D3's cache headers", async () => {
    const bytes = await makeJpeg(96, 64);
    const file = await uploadReady(alice.session, bytes);
    expect(file.url).toContain("/api/v1/files/");
    expect(file.cdnUrl).toMatch(new RegExp(`^${env().CDN_DOMAIN}/media/${file.fileId}/current\\?expires=\\d+&md5=`));

    const first = await edgeGet(file.cdnUrl!);
    expect(first.status).toBe(200);
    expect(first.bytes.equals(bytes)).toBe(true);
    expect(first.headers.get("x-cache-status")).toBe("MISS");
    const second = await edgeGet(file.cdnUrl!, { headers: { Authorization: "Bearer not-a-key", Cookie: alice.session.cookie } });
    expect(second.status).toBe(200);
    expect(second.bytes.equals(bytes)).toBe(true);
    expect(second.headers.get("x-cache-status")).toBe("HIT");
    // Originals: the browser may keep it while the URL lives; shared caches past the edge may not.
    expect(first.headers.get("cache-control")).toBe(`private, max-age=${env().CDN_URL_EXPIRES_SECONDS}`);
    expect(first.headers.get("x-accel-expires")).toBeNull();
    expect(first.headers.get("content-type")).toBe("image/jpeg");

    const thumb = file.variants.find((v) => v.name === "thumbnail");
    expect(thumb?.cdnUrl).toMatch(/\/media\/.+\/variants\/.+\/thumbnail\?expires=/);
    const variant = await edgeGet(thumb!.cdnUrl!);
    expect(variant.status).toBe(200);
    expect(variant.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const viaApp = await alice.session.fetch(`/api/v1/files/${file.fileId}/download?variant=thumbnail`);
    expect(Buffer.from(await viaApp.arrayBuffer()).equals(variant.bytes)).toBe(true);
    // Long-lived, and the same URL all day so browsers keep their copy.
    const expires = Number(new URL(thumb!.cdnUrl!).searchParams.get("expires"));
    expect(expires * 1000 - Date.now()).toBeGreaterThan(300 * 86_400_000);
    expect((expires * 1000) % 86_400_000).toBe(0);
  });

  it("refuses an expired, tampered or re-pointed signature with 403", async () => {
    const file = await uploadReady(alice.session, await makeJpeg());
    const signed = new URL(file.cdnUrl!);
    const path = signed.pathname;
    const secret = env().CDN_SIGNING_SECRET!;
    expect((await edgeGet(signed.toString())).status).toBe(200);

    const past = Math.floor(Date.now() / 1000) - 5;
    expect((await edgeGet(`${signed.origin}${path}?expires=${past}&md5=${nginxSecureLinkHash(path, past, secret)}`)).status).toBe(403);
    const tampered = new URL(signed);
    tampered.searchParams.set("md5", nginxSecureLinkHash(path, Number(signed.searchParams.get("expires")), "not-the-secret"));
    expect((await edgeGet(tampered.toString())).status).toBe(403);
    const extended = new URL(signed);
    extended.searchParams.set("expires", String(Number(signed.searchParams.get("expires")) + 3600));
    expect((await edgeGet(extended.toString())).status).toBe(403);
    // A signature is for its path only.
    const other = await uploadReady(alice.session, await makeJpeg());
    expect((await edgeGet(`${signed.origin}${new URL(other.cdnUrl!).pathname}${signed.search}`)).status).toBe(403);
    expect((await edgeGet(`${signed.origin}${path}`)).status).toBe(403);
  });

  it("the origin route answers the edge only: without its secret there is nothing there", async () => {
    const file = await uploadReady(alice.session, await makeJpeg());
    const origin = `/api/cdn/origin/media/${file.fileId}/current`;
    expect((await alice.session.fetch(origin)).status).toBe(404);
    expect((await anonymous.fetch(origin, { headers: { "x-framevault-edge-secret": "x".repeat(48) } })).status).toBe(404);
    expect((await anonymous.fetch(origin, { headers: { "x-framevault-edge-secret": env().CDN_EDGE_SECRET! } })).status).toBe(200);
  });

  it("is issued only to whoever may read the file, and never for a file in the trash", async () => {
    const file = await uploadReady(alice.session, await makeJpeg());
    const bob = await newUser();
    expect((await bob.session.json(`/api/v1/files/${file.fileId}`)).status).toBe(404);
    expect((await bob.session.json("/api/v1/files")).body.files.map((f: { fileId: string }) => f.fileId)).not.toContain(file.fileId);
    expect((await alice.session.json(`/api/v1/files/${file.fileId}`, { method: "DELETE" })).status).toBe(200);
    const trash = await alice.session.json("/api/v1/trash");
    const trashed = trash.body.files.find((f: { fileId: string }) => f.fileId === file.fileId);
    expect(trashed).toBeDefined();
    expect(trashed.cdnUrl).toBeNull();
  });
});

describe("invalidation through the drain workflow", () => {
  it("a new current version is invalidated: the same edge URL then serves the new bytes, and the invalidation is recorded", async () => {
    const v1 = await makeJpeg(80, 60);
    const file = await uploadReady(alice.session, v1);
    const path = `/media/${file.fileId}/current`;
    expect((await edgeGet(file.cdnUrl!)).bytes.equals(v1)).toBe(true);
    const cached = await edgeGet(file.cdnUrl!);
    expect(cached.headers.get("x-cache-status")).toBe("HIT");

    const since = new Date(Date.now() - 1000);
    const v2 = await makeJpeg(80, 60);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(v2)], { type: "image/jpeg" }), "edge-v2.jpg");
    const posted = await alice.session.json(`/api/v1/files/${file.fileId}/versions`, { method: "POST", body: form });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const record = await waitForCompletedInvalidation(path, since);
    expect(record.provider_id).toBeTruthy();
    expect(record.attempts).toBeGreaterThanOrEqual(1);

    const after = await edgeGet(file.cdnUrl!);
    expect(after.status).toBe(200);
    expect(after.bytes.equals(v2)).toBe(true);
  });

  it("a deleted file is revoked: after the invalidation its original and variants are refused at the edge", async () => {
    const file = await uploadReady(alice.session, await makeJpeg());
    const thumb = file.variants.find((v) => v.name === "thumbnail")!.cdnUrl!;
    expect((await edgeGet(file.cdnUrl!)).status).toBe(200);
    expect((await edgeGet(thumb)).status).toBe(200);
    expect((await edgeGet(thumb)).headers.get("x-cache-status")).toBe("HIT");

    const since = new Date(Date.now() - 1000);
    expect((await alice.session.json(`/api/v1/files/${file.fileId}`, { method: "DELETE" })).status).toBe(200);
    const queued = await testSql()`select path from cdn_invalidation_queue where path like ${`/media/${file.fileId}/%`}
      union all select unnest(paths) from cdn_invalidations where created_at >= ${since} and paths::text like ${`%${file.fileId}%`}`;
    expect(queued.map((r) => r.path)).toEqual(expect.arrayContaining([`/media/${file.fileId}/current`, new URL(thumb).pathname]));
    await waitForCompletedInvalidation(new URL(thumb).pathname, since);
    await waitForCompletedInvalidation(`/media/${file.fileId}/current`, since);

    expect((await edgeGet(file.cdnUrl!)).status).toBe(404);
    expect((await edgeGet(thumb)).status).toBe(404);
  });

  it("2500 changes within a minute end in at most 3 invalidation requests of at most 1000 paths", async () => {
    const since = new Date(Date.now() - 1000);
    const paths = Array.from({ length: 2500 }, () => `/media/${randomUUID()}/current`);
    // Five commits of 500 changes each, as bulk operations would make them.
    for (let i = 0; i < paths.length; i += 500) {
      await getDb().transaction((tx) => enqueueCdnInvalidation(tx, paths.slice(i, i + 500), "test:bulk"));
    }
    await requestCdnInvalidationRun();
    const mine = new Set(paths);
    const deadline = Date.now() + 180_000;
    let covering: { id: string; status: string; paths: string[]; path_count: number }[] = [];
    for (;;) {
      const rows = await testSql()`select id, status, paths, path_count from cdn_invalidations where created_at >= ${since}`;
      covering = rows.filter((r) => r.paths.some((p: string) => mine.has(p))) as typeof covering;
      const covered = new Set(covering.flatMap((r) => r.paths.filter((p) => mine.has(p))));
      if (covered.size === mine.size && covering.every((r) => r.status === "completed")) break;
      if (Date.now() > deadline) throw new Error(`${covered.size} of 2500 paths invalidated; ${JSON.stringify(covering.map((r) => [r.status, r.path_count]))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // nginx takes no wildcards, so nothing collapses: 1000 + 1000 + 500.
    expect(covering.length).toBe(3);
    for (const r of covering) expect(r.path_count).toBeLessThanOrEqual(1000);
    expect(covering.reduce((n, r) => n + r.paths.filter((p) => mine.has(p)).length, 0)).toBe(2500);
    const [{ n }] = await testSql()`select count(*)::int as n from cdn_invalidation_queue where reason = 'test:bulk'`;
    expect(n).toBe(0);
  });
});

describe("CDN figures for the metrics (readCdnStats)", () => {
  it("count the edge's hits and misses from its cache-status log, and this month's invalidated paths", async () => {
    const before = await readCdnStats();
    const file = await uploadReady(alice.session, await makeJpeg());
    expect((await edgeGet(file.cdnUrl!)).headers.get("x-cache-status")).toBe("MISS");
    expect((await edgeGet(file.cdnUrl!)).headers.get("x-cache-status")).toBe("HIT");
    // Refused signatures never reach the cache: not counted.
    expect((await edgeGet(`${file.cdnUrl!}x`)).status).toBe(403);
    const after = await readCdnStats();
    expect(after.provider).toBe("nginx");
    expect((after.edgeCache.byStatus.HIT ?? 0) - (before.edgeCache.byStatus.HIT ?? 0)).toBe(1);
    expect((after.edgeCache.byStatus.MISS ?? 0) - (before.edgeCache.byStatus.MISS ?? 0)).toBe(1);
    expect(after.edgeCache.hitRatio).toBeGreaterThan(0);
    expect(after.edgeCache.hitRatio).toBeLessThan(1);
    expect(after.month.paths).toBeGreaterThan(0);
    expect(after.month.costUsd).toBe(0);
  });
});
