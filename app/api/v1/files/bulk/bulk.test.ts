import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { adminSignIn, apiUpload, newUser, sessionFromCookie, type Session } from "@/scripts/testing/client";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { fakeJpeg } from "@/scripts/testing/fixtures";

type User = Awaited<ReturnType<typeof newUser>>;

async function uploadMany(user: User, count: number, fields: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, (_, j) => apiUpload(user.session, { name: `bulk-${i + j}.jpg`, type: "image/jpeg", bytes: fakeJpeg(400) }, fields)),
    );
    for (const res of batch) {
      expect(res.status).toBe(201);
      ids.push(res.body.fileId);
    }
  }
  return ids;
}

async function bulk(session: Session, body: unknown) {
  return session.json("/api/v1/files/bulk", { method: "POST", body });
}

async function listIds(session: Session, query: string): Promise<string[]> {
  const res = await session.json(`/api/v1/files?limit=100&${query}`);
  expect(res.status).toBe(200);
  return res.body.files.map((f: { fileId: string }) => f.fileId);
}

async function auditRows(ids: string[], action: string) {
  return testSql()`select file_id::text as "fileId", actor_id as "actorId", details from audit_events where action = ${action} and file_id = any(${ids}::uuid[]) order by id`;
}

let alice: User;
let bob: User;

beforeAll(async () => {
  [alice, bob] = await Promise.all([newUser(), newUser()]);
});

describe("POST /api/v1/files/bulk", () => {
  it("tags 50 files in one call: the tag filter finds all 50, and each change is audited old → new", async () => {
    const ids = await uploadMany(alice, 50, { tags: "morning" });
    const tag = `bulk-${randomUUID().slice(0, 6)}`;
    const res = await bulk(alice.session, { action: "tag", ids, tags: [tag] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ action: "tag", succeeded: 50, failed: 0 });
    expect(res.body.results.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(res.body.results.every((r: { ok: boolean; changed: boolean }) => r.ok && r.changed)).toBe(true);

    expect((await listIds(alice.session, `tags=${tag}`)).sort()).toEqual([...ids].sort());
    const audited = await auditRows(ids, "file.update");
    expect(audited).toHaveLength(50);
    expect(new Set(audited.map((r) => r.fileId))).toEqual(new Set(ids));
    for (const row of audited) {
      expect(row.actorId).toBe(alice.id);
      expect(row.details).toMatchObject({ bulk: true, changes: { tags: { from: ["morning"], to: ["morning", tag] } } });
    }

    // Tagging again changes nothing, so nothing more is written or audited.
    const again = await bulk(alice.session, { action: "tag", ids: ids.slice(0, 5), tags: [tag] });
    expect(again.body.results.map((r: { ok: boolean; changed: boolean }) => [r.ok, r.changed])).toEqual(Array(5).fill([true, false]));
    expect(await auditRows(ids, "file.update")).toHaveLength(50);

    const untag = await bulk(alice.session, { action: "untag", ids: ids.slice(0, 10), tags: [tag, "not-there"] });
    expect(untag.body).toMatchObject({ succeeded: 10, failed: 0 });
    expect(await listIds(alice.session, `tags=${tag}`)).toHaveLength(40);
    const untagged = (await auditRows(ids.slice(0, 10), "file.update")).filter((r) => r.details.changes.tags.to.length === 1);
    expect(untagged.map((r) => r.details.changes.tags)).toEqual(Array(10).fill({ from: ["morning", tag], to: ["morning"] }));

    const category = await bulk(alice.session, { action: "category", ids: ids.slice(0, 3), category: "entrance" });
    expect(category.body).toMatchObject({ succeeded: 3, failed: 0 });
    expect((await listIds(alice.session, "category=entrance")).sort()).toEqual(ids.slice(0, 3).sort());
    const categorised = (await auditRows(ids.slice(0, 3), "file.update")).filter((r) => r.details.changes.category);
    expect(categorised.map((r) => r.details.changes)).toEqual(Array(3).fill({ category: { from: "general", to: "entrance" } }));
  });

  it("deletes and restores file by file: another user's id and an unknown one are not_found, the rest go through", async () => {
    const alice = await newUser();
    const mine = await uploadMany(alice, 3);
    const [theirs] = await uploadMany(bob, 1);
    const unknown = randomUUID();
    const del = await bulk(alice.session, { action: "delete", ids: [mine[0], theirs, mine[1], unknown] });
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ action: "delete", succeeded: 2, failed: 2 });
    expect(del.body.results).toEqual([
      { id: mine[0], ok: true, changed: true },
      { id: theirs, ok: false, error: { code: "not_found", message: expect.any(String) } },
      { id: mine[1], ok: true, changed: true },
      { id: unknown, ok: false, error: { code: "not_found", message: expect.any(String) } },
    ]);
    // The same answer for another user's file as for one that never existed.
    expect(del.body.results[1].error).toEqual(del.body.results[3].error);
    expect((await bob.session.json(`/api/v1/files/${theirs}`)).status).toBe(200);
    expect((await alice.session.json(`/api/v1/files/${mine[0]}`)).status).toBe(404);
    expect((await auditRows(mine, "file.delete")).map((r) => r.fileId).sort()).toEqual([mine[0], mine[1]].sort());
    expect(await auditRows([theirs], "file.delete")).toHaveLength(0);

    expect((await listIds(alice.session, "status=trashed")).sort()).toEqual([mine[0], mine[1]].sort());
    expect(await listIds(alice.session, "status=trashed&tags=none-such")).toEqual([]);
    expect(await listIds(alice.session, "")).toEqual([mine[2]]);

    // Bob deletes his file; Alice cannot restore it; a file that is not in the trash is left as it is (as the
    // single restore answers: idempotent, changed: false).
    expect((await bulk(bob.session, { action: "delete", ids: [theirs] })).body.succeeded).toBe(1);
    const restore = await bulk(alice.session, { action: "restore", ids: [mine[0], theirs, mine[2]] });
    expect(restore.body.results.map((r: { ok: boolean; error?: { code: string } }) => r.error?.code ?? "ok")).toEqual(["ok", "not_found", "ok"]);
    expect(restore.body.results[0].changed).toBe(true);
    expect(restore.body.results[2].changed).toBe(false);
    expect((await listIds(bob.session, "status=trashed"))).toEqual([theirs]);
    expect((await alice.session.json(`/api/v1/files/${mine[0]}`)).status).toBe(200);
    expect(await listIds(alice.session, "status=trashed")).toEqual([mine[1]]);
    expect((await auditRows(mine, "file.restore")).map((r) => r.fileId)).toEqual([mine[0]]);
  });

  it("lets an admin act on any owner's files", async () => {
    const [theirs] = await uploadMany(bob, 1);
    const admin = await adminSignIn();
    const res = await bulk(admin, { action: "category", ids: [theirs], category: "reviewed" });
    expect(res.body).toMatchObject({ succeeded: 1 });
    expect((await bob.session.json(`/api/v1/files/${theirs}`)).body.category).toBe("reviewed");
  });

  it("validates the request and checks the action's permission", async () => {
    const ids = Array.from({ length: 500 }, () => randomUUID());
    const many = await bulk(alice.session, { action: "tag", ids, tags: ["x"] });
    expect(many.status).toBe(200);
    expect(many.body).toMatchObject({ succeeded: 0, failed: 500 });
    for (const body of [
      { action: "tag", ids: [...ids, randomUUID()], tags: ["x"] },
      { action: "tag", ids: [], tags: ["x"] },
      { action: "tag", ids: [ids[0]] },
      { action: "tag", ids: [ids[0]], tags: [] },
      { action: "tag", ids: [ids[0]], tags: ["a,b"] },
      { action: "category", ids: [ids[0]] },
      { action: "explode", ids: [ids[0]] },
      { action: "delete", ids: ["not-a-uuid"] },
    ]) {
      const res = await bulk(alice.session, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    }

    const [file] = await uploadMany(alice, 1);
    const key = await alice.session.json("/api/v1/api-keys", { method: "POST", body: { name: "writer", scopes: ["files:read", "files:write"] } });
    const writer = sessionFromCookie("");
    const asKey = (body: unknown) => writer.json("/api/v1/files/bulk", { method: "POST", body, headers: { authorization: `Bearer ${key.body.secret}` } });
    expect((await asKey({ action: "tag", ids: [file], tags: ["by-key"] })).body).toMatchObject({ succeeded: 1 });
    const refused = await asKey({ action: "delete", ids: [file] });
    expect(refused.status).toBe(403);
    expect((await alice.session.json(`/api/v1/files/${file}`)).status).toBe(200);
  });
});

describe("GET /api/v1/files?sortBy=capturedAt", () => {
  it("orders by capture time, upload time where there is none, and pages through every file once by cursor", async () => {
    const user = await newUser();
    const exifJpeg = (when: string) =>
      sharp({ create: { width: 16, height: 16, channels: 3, background: `#${randomUUID().slice(0, 6)}` } })
        .jpeg()
        .withExif({ IFD2: { DateTimeOriginal: when } })
        .toBuffer();
    const ids: string[] = [];
    for (const when of ["2021:05:01 10:00:00", null, "2030:01:01 00:00:00", null, "2024:02:03 04:05:06"]) {
      const bytes = when ? await exifJpeg(when) : fakeJpeg(300);
      const res = await apiUpload(user.session, { name: `cap-${ids.length}.jpg`, type: "image/jpeg", bytes });
      expect(res.status).toBe(201);
      ids.push(res.body.fileId);
    }
    for (const id of ids) expect(await waitUntilProcessed(id)).toBe("ready");
    const rows = await testSql()`select id::text, coalesce(captured_at, created_at) as at from files where id = any(${ids}::uuid[])`;
    expect(rows.filter((r) => r.at.getUTCFullYear() === 2030)).toHaveLength(1);
    const expected = [...rows].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((r) => r.id);

    for (const order of ["desc", "asc"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: any } = await user.session.json(`/api/v1/files?sortBy=capturedAt&sortOrder=${order}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(res.status).toBe(200);
        seen.push(...res.body.files.map((f: { fileId: string }) => f.fileId));
        cursor = res.body.pagination.nextCursor;
      } while (cursor && seen.length < 20);
      expect(seen).toEqual(order === "desc" ? expected : [...expected].reverse());
    }
    const page2 = await user.session.json("/api/v1/files?sortBy=capturedAt&limit=2&page=2");
    expect(page2.body.files.map((f: { fileId: string }) => f.fileId)).toEqual(expected.slice(2, 4));
  });
});
