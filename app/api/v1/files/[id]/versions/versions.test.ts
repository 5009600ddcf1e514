// Edit (PATCH) and versions (M3, M4) against the running app, Postgres and S3: renames and retags found by
// the list and the audit trail; v1 by the API and v2 by the browser's presigned flow, both downloadable
// bit for bit; an infected v3 never becomes current; a restore shares content instead of copying it.
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { eicar } from "@/lib/processing/test-media";
import { BUCKET, bucketKeys, testS3, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { anonymous, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { makeJpeg, sha256 } from "@/scripts/testing/fixtures";

let alice: Awaited<ReturnType<typeof newUser>>;
let bob: Awaited<ReturnType<typeof newUser>>;

beforeAll(async () => {
  [alice, bob] = await Promise.all([newUser(), newUser()]);
});

function expectEnvelope(res: { status: number; body: any }, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: { code: code ?? expect.any(String), message: expect.any(String), requestId: expect.any(String) } });
}

async function download(session: Session, fileId: string, version?: number): Promise<{ status: number; bytes: Buffer }> {
  const res = await session.fetch(`/api/v1/files/${fileId}/download?redirect=false${version ? `&version=${version}` : ""}`);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function waitForVersion(fileId: string, version: number, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await testSql()`select status from file_versions where file_id = ${fileId} and version = ${version}`;
    if (row && row.status !== "processing") return row.status as string;
    if (Date.now() > deadline) throw new Error(`version ${version} of ${fileId} still processing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Processing of earlier uploads (any test's) copies new blobs into the bucket: counting waits for it to end. */
async function waitForIdleProcessing(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await testSql()`select count(*)::int as n from processing_jobs where status in ('queued', 'running') and updated_at > now() - interval '30 seconds'`;
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error(`${n} processing jobs still queued or running`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The browser's flow for a new version: reserve with fileId, sign, PUT straight to S3, complete. */
async function browserVersion(session: Session, fileId: string, name: string, bytes: Buffer) {
  const created = await session.json("/api/uploads", { method: "POST", body: { fileId, filename: name, size: bytes.length, mimeType: "image/jpeg" } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const signed = await session.json("/api/uploads/sign", { method: "POST", body: { method: "PUT", key: created.body.key } });
  expect(signed.status).toBe(200);
  const put = await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(bytes), headers: signed.body.headers });
  expect(put.status).toBe(200);
  return session.json(`/api/uploads/${created.body.uploadId}/complete`, { method: "POST" });
}

describe("PATCH /api/v1/files/{id}", () => {
  it("renames and retags a file: the list finds it by the new tag, the trail shows old → new", async () => {
    const up = await apiUpload(alice.session, { name: "gate.jpg", type: "image/jpeg", bytes: await makeJpeg() }, { tags: "before,shared", category: "gate" });
    expect(up.status).toBe(201);
    const id = up.body.fileId as string;
    const tag = `after-${id.slice(0, 8)}`;
    const res = await alice.session.json(`/api/v1/files/${id}`, {
      method: "PATCH",
      body: { filename: "gate-north.jpg", tags: [tag, "shared"], category: "north gate", metadata: { cameraId: "cam-9", note: "moved" } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The same full information GET gives.
    expect(res.body).toMatchObject({ fileId: id, filename: "gate-north.jpg", tags: [tag, "shared"], category: "north gate", cameraId: "cam-9", metadata: { cameraId: "cam-9", note: "moved" } });
    expect(Object.keys(res.body).sort()).toEqual(Object.keys((await alice.session.json(`/api/v1/files/${id}`)).body).sort());

    const byNewTag = await alice.session.json(`/api/v1/files?tags=${tag}`);
    expect(byNewTag.body.files.map((f: { fileId: string }) => f.fileId)).toEqual([id]);
    const byOldTag = await alice.session.json(`/api/v1/files?tags=before`);
    expect(byOldTag.body.files.map((f: { fileId: string }) => f.fileId)).not.toContain(id);

    const trail = await alice.session.json(`/api/v1/files/${id}/audit-events`);
    const update = trail.body.events.find((e: { action: string }) => e.action === "file.update");
    expect(update.details.changes).toEqual({
      filename: { from: "gate.jpg", to: "gate-north.jpg" },
      category: { from: "gate", to: "north gate" },
      tags: { from: ["before", "shared"], to: [tag, "shared"] },
      metadata: { from: {}, to: { cameraId: "cam-9", note: "moved" } },
    });
    // Sending what is already there changes nothing and records nothing.
    expect((await alice.session.json(`/api/v1/files/${id}`, { method: "PATCH", body: { filename: "gate-north.jpg" } })).status).toBe(200);
    const [{ n }] = await testSql()`select count(*)::int as n from audit_events where file_id = ${id} and action = 'file.update'`;
    expect(n).toBe(1);
    expect(await waitUntilProcessed(id)).toBe("ready");
  });

  it("validates as at upload and refuses others with the one envelope", async () => {
    const up = await apiUpload(alice.session, { name: "keep.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    const id = up.body.fileId as string;
    const patch = (session: Session, body: unknown, headers: Record<string, string> = {}) =>
      session.json(`/api/v1/files/${id}`, { method: "PATCH", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
    expectEnvelope(await patch(alice.session, { filename: "../etc/passwd" }), 400, "invalid_filename");
    expectEnvelope(await patch(alice.session, { filename: "gpj\u202Eexe.jpg" }), 400, "invalid_filename");
    expectEnvelope(await patch(alice.session, { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }), 400, "validation_failed");
    expectEnvelope(await patch(alice.session, { tags: ["a,b"] }), 400, "validation_failed");
    expectEnvelope(await patch(alice.session, { metadata: { big: "x".repeat(17 * 1024) } }), 400, "validation_failed");
    expectEnvelope(await patch(alice.session, { owner: "me" }), 400, "validation_failed");
    expectEnvelope(await patch(alice.session, {}), 400, "validation_failed");
    expectEnvelope(await patch(alice.session, "{not json"), 400);
    expectEnvelope(await patch(bob.session, { filename: "mine.jpg" }), 404, "not_found");
    expectEnvelope(await patch(anonymous, { filename: "mine.jpg" }), 401, "unauthorized");
    const auditor = await newUser("auditor");
    expectEnvelope(await patch(auditor.session, { filename: "mine.jpg" }), 403, "forbidden");
    const [row] = await testSql()`select filename, tags from files where id = ${id}`;
    expect(row).toEqual({ filename: "keep.jpg", tags: [] });
    expect(await waitUntilProcessed(id)).toBe("ready");
  });
  it("keeps API keys inside their scope and camera", async () => {
    const key = async (body: Record<string, unknown>) => {
      const created = await alice.session.json("/api/v1/api-keys", { method: "POST", body: { name: `k-${Math.random()}`, ...body } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return { Authorization: `Bearer ${created.body.secret}`, "content-type": "application/json" };
    };
    const camKey = await key({ scopes: ["files:read", "files:write"], cameraId: "cam-k" });
    const readKey = await key({ scopes: ["files:read"] });
    const up = await apiUpload(alice.session, { name: "cam.jpg", type: "image/jpeg", bytes: await makeJpeg() }, { metadata: JSON.stringify({ cameraId: "cam-k" }) });
    const other = await apiUpload(alice.session, { name: "other.jpg", type: "image/jpeg", bytes: await makeJpeg() }, { metadata: JSON.stringify({ cameraId: "cam-z" }) });
    const patch = (id: string, headers: Record<string, string>, body: unknown) =>
      anonymous.json(`/api/v1/files/${id}`, { method: "PATCH", headers, body: JSON.stringify(body) });
    expectEnvelope(await patch(up.body.fileId, readKey, { tags: ["x"] }), 403, "forbidden");
    expectEnvelope(await patch(up.body.fileId, camKey, { metadata: { cameraId: "cam-z" } }), 403, "forbidden");
    expectEnvelope(await patch(other.body.fileId, camKey, { tags: ["x"] }), 404, "not_found");
    const ok = await patch(up.body.fileId, camKey, { tags: ["by-key"], metadata: { note: "kept on its camera" } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ tags: ["by-key"], cameraId: "cam-k", metadata: { note: "kept on its camera", cameraId: "cam-k" } });
    await Promise.all([waitUntilProcessed(up.body.fileId), waitUntilProcessed(other.body.fileId)]);
  });
});

describe("versions", () => {
  it("v1 by the API, v2 by the browser, an infected v3 never current, restore of v1 without a copy", async () => {
    const v1 = await makeJpeg(64, 48, 0.1);
    const v2 = await makeJpeg(80, 60, 0.9);
    const up = await apiUpload(alice.session, { name: "lobby.jpg", type: "image/jpeg", bytes: v1 });
    expect(up.status).toBe(201);
    const id = up.body.fileId as string;
    expect(await waitUntilProcessed(id)).toBe("ready");

    const done = await browserVersion(alice.session, id, "lobby-new.jpg", v2);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ fileId: id, version: 2 });
    expect(await waitForVersion(id, 2)).toBe("ready");
    expect(sha256((await download(alice.session, id)).bytes)).toBe(sha256(v2));
    expect(sha256((await download(alice.session, id, 1)).bytes)).toBe(sha256(v1));
    expect(sha256((await download(alice.session, id, 2)).bytes)).toBe(sha256(v2));

    // v3 (API) is infected: until processing ends, and after it, v2 stays current and downloadable.
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(eicar())], { type: "image/jpeg" }), "lobby-v3.jpg");
    const v3 = await alice.session.json(`/api/v1/files/${id}/versions`, { method: "POST", body: form });
    expect(v3.status, JSON.stringify(v3.body)).toBe(201);
    expect(v3.body).toMatchObject({ version: 3, current: false, size: eicar().length });
    expect(sha256((await download(alice.session, id)).bytes)).toBe(sha256(v2));
    expect(await waitForVersion(id, 3)).toBe("quarantined");
    expect((await download(alice.session, id, 3)).status).toBe(409);
    const afterScan = await alice.session.json(`/api/v1/files/${id}`);
    expect(afterScan.body).toMatchObject({ status: "ready", size: v2.length, checksum: sha256(v2) });
    expect(sha256((await download(alice.session, id)).bytes)).toBe(sha256(v2));
    expectEnvelope(await alice.session.json(`/api/v1/files/${id}/versions/3/restore`, { method: "POST" }), 409);

    const listed = await alice.session.json(`/api/v1/files/${id}/versions`);
    expect(listed.status).toBe(200);
    expect(listed.body.versions.map((v: any) => [v.version, v.status, v.current, v.size])).toEqual([
      [3, "quarantined", false, eicar().length],
      [2, "ready", true, v2.length],
      [1, "ready", false, v1.length],
    ]);
    expect(listed.body.versions[1]).toMatchObject({ checksum: sha256(v2), uploadedBy: { type: "user", id: alice.id }, restoredFrom: null });
    expect(listed.body.versions[2].checksum).toBe(sha256(v1));

    // Restore v1: a new version 4 sharing v1's blob; no object written, one more reference.
    const blobKey = `blobs/sha256/${sha256(v1)}`;
    const [blobBefore] = await testSql()`select ref_count from blobs where sha256 = ${sha256(v1)}`;
    const blobHead = await testS3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: blobKey }));
    await waitForIdleProcessing();
    const blobsBefore = await bucketKeys("blobs/");
    const thumbnailBefore = (await alice.session.json(`/api/v1/files/${id}`)).body.thumbnailUrl;
    const restored = await alice.session.json(`/api/v1/files/${id}/versions/1/restore`, { method: "POST" });
    expect(restored.status, JSON.stringify(restored.body)).toBe(201);
    expect(restored.body).toMatchObject({ version: 4, current: true, restoredFrom: 1, status: "ready", checksum: sha256(v1), size: v1.length });
    expect(sha256((await download(alice.session, id)).bytes)).toBe(sha256(v1));
    expect(sha256((await download(alice.session, id, 2)).bytes)).toBe(sha256(v2));
    expect(sha256((await download(alice.session, id, 4)).bytes)).toBe(sha256(v1));
    expect((await bucketKeys("blobs/")).length).toBe(blobsBefore.length);
    expect((await testS3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: blobKey }))).LastModified).toEqual(blobHead.LastModified);
    const [blobAfter] = await testSql()`select ref_count from blobs where sha256 = ${sha256(v1)}`;
    expect(blobAfter.ref_count).toBe(blobBefore.ref_count + 1);
    const rows = await testSql()`select version, object_key from file_versions where file_id = ${id} order by version`;
    expect(rows[3].object_key).toBe(rows[0].object_key);
    // The thumbnail of the current version is served (shared with v1, not made again), under a new URL, so a
    // browser that keeps thumbnails for good shows the restored image.
    const thumbnailAfter = (await alice.session.json(`/api/v1/files/${id}`)).body.thumbnailUrl;
    expect(thumbnailAfter).not.toBe(thumbnailBefore);
    const thumb = await alice.session.fetch(new URL(thumbnailAfter).pathname + new URL(thumbnailAfter).search);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("cache-control")).toContain("immutable");

    const trail = await alice.session.json(`/api/v1/files/${id}/audit-events?limit=50`);
    const actions = trail.body.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["file.upload", "file.version.upload", "file.version.restore"]));
    expect(trail.body.events.find((e: any) => e.action === "file.version.restore").details).toMatchObject({ version: 4, restoredFrom: 1 });

    // Every uploaded version counts toward the quota; the restore stored nothing and counts nothing.
    const [usage] = await testSql()`select bytes_stored::bigint as n from owner_usage where owner_id = ${alice.id}`;
    const [summed] = await testSql()`
      select coalesce(sum(v.size), 0)::bigint as n from file_versions v join files f on f.id = v.file_id
      where f.owner_id = ${alice.id} and v.restored_from is null`;
    expect(Number(usage.n)).toBe(Number(summed.n));
    const [mine] = await testSql()`select coalesce(sum(size), 0)::bigint as n from file_versions where file_id = ${id} and restored_from is null`;
    expect(Number(mine.n)).toBe(v1.length + v2.length + eicar().length);
  }, 120_000);

  it("refuses other users, missing versions and file fields on a version", async () => {
    const up = await apiUpload(alice.session, { name: "private.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    const id = up.body.fileId as string;
    expect(await waitUntilProcessed(id)).toBe("ready");
    const form = () => {
      const f = new FormData();
      f.append("file", new Blob([new Uint8Array(Buffer.from("x"))], { type: "image/jpeg" }), "x.jpg");
      return f;
    };
    expectEnvelope(await bob.session.json(`/api/v1/files/${id}/versions`), 404, "not_found");
    expectEnvelope(await bob.session.json(`/api/v1/files/${id}/versions`, { method: "POST", body: form() }), 404, "not_found");
    expectEnvelope(await bob.session.json(`/api/v1/files/${id}/versions/1/restore`, { method: "POST" }), 404, "not_found");
    expectEnvelope(await anonymous.json(`/api/v1/files/${id}/versions`), 401);
    expectEnvelope(await alice.session.json(`/api/v1/files/${id}/versions/9/restore`, { method: "POST" }), 404, "not_found");
    expectEnvelope(await alice.session.json(`/api/v1/files/${id}/versions/zero/restore`, { method: "POST" }), 400);
    expectEnvelope(await bob.session.json("/api/uploads", { method: "POST", body: { fileId: id, filename: "v.jpg", size: 10, mimeType: "image/jpeg" } }), 404);
    expectEnvelope(await alice.session.json("/api/uploads", { method: "POST", body: { fileId: id, filename: "v.jpg", size: 10, mimeType: "image/jpeg", tags: ["x"] } }), 400, "invalid_version_fields");
    const tagged = form();
    tagged.append("category", "other");
    expectEnvelope(await alice.session.json(`/api/v1/files/${id}/versions`, { method: "POST", body: tagged }), 400, "invalid_version_fields");
    expect(await bucketKeys(`originals/${id}/`)).toEqual([]);
    const [{ n }] = await testSql()`select count(*)::int as n from file_versions where file_id = ${id}`;
    expect(n).toBe(1);
  });
});
