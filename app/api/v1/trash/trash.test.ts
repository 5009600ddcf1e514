import { CreateMultipartUploadCommand, DeleteObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { files } from "@/db/schema";
import { functions } from "@/inngest";
import { inngest } from "@/inngest/client";
import { trashPurgeRequested } from "@/inngest/events";
import { purgeExpiredTrash, purgeFileRows } from "@/lib/files/purge";
import { deleteQueuedObjects, sweepUnreferencedBlobs } from "@/lib/files/release-storage";
import { trashList, restoreResult, deleteResult } from "@/lib/openapi/responses";
import { BUCKET, testS3, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, anonymous, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { fakeJpeg, sha256 } from "@/scripts/testing/fixtures";

// The trash (L1) over HTTP against the real app, and the purge (permanent and daily) against the real
// Postgres and S3. The daily workflow's steps are called here as its cron calls them; "time passing" is the
// test moving a file's deletion back in the database, as the upload sweep's test does with a session's expiry.

type User = Awaited<ReturnType<typeof newUser>>;
let alice: User;
let bob: User;
let admin: Session;

beforeAll(async () => {
  [alice, bob] = [await newUser(), await newUser()];
  admin = await adminSignIn();
});

async function upload(session: Session, bytes: Buffer, name = `trash-${Math.random().toString(36).slice(2)}.jpg`): Promise<string> {
  const res = await apiUpload(session, { name, type: "image/jpeg", bytes });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(await waitUntilProcessed(res.body.fileId)).toBe("ready");
  return res.body.fileId;
}

async function objectExists(key: string): Promise<boolean> {
  return testS3()
    .send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
    .then(() => true)
    .catch((err) => {
      if (err?.$metadata?.httpStatusCode === 404) return false;
      throw err;
    });
}

/** Every object the file's rows point at (versions and variants), read before it goes. */
async function objectsOf(fileId: string) {
  const versions = await testSql()`select id, object_key from file_versions where file_id = ${fileId}`;
  const variants = await testSql()`select object_key from file_variants where version_id = any(${versions.map((v) => v.id as string)}::uuid[])`;
  return { versionKeys: versions.map((v) => v.object_key as string), variantKeys: variants.map((v) => v.object_key as string) };
}

/** What is left of a file in the tables other than the audit log. */
async function rowsLeft(fileId: string) {
  const [n] = await testSql()`select
    (select count(*)::int from files where id = ${fileId}) as files,
    (select count(*)::int from file_versions where file_id = ${fileId}) as versions,
    (select count(*)::int from processing_jobs where file_id = ${fileId}) as jobs,
    (select count(*)::int from upload_sessions where file_id = ${fileId}) as sessions`;
  return n;
}

async function usage(userId: string): Promise<number> {
  const [row] = await testSql()`select bytes_stored from owner_usage where owner_id = ${userId}`;
  return Number(row?.bytes_stored ?? 0);
}

async function download(session: Session, fileId: string) {
  const res = await session.fetch(`/api/v1/files/${fileId}/download`);
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function trashIds(session: Session, query = ""): Promise<string[]> {
  const res = await session.json(`/api/v1/trash${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.files.map((f: { fileId: string }) => f.fileId);
}

async function verifyChain() {
  const res = await admin.json("/api/v1/audit-events/verify");
  expect(res.status).toBe(200);
  return res.body;
}

/** Moves a trashed file's deletion `days` into the past, purge date included: the file has "been" there that long. */
async function ageInTrash(fileId: string, days: number) {
  await testSql()`update files set deleted_at = deleted_at - make_interval(days => ${days}),
    purge_after = purge_after - make_interval(days => ${days}) where id = ${fileId}`;
}

/** The purge's database transaction alone, as if the process died right after it committed. */
async function purgeRowsOnly(fileId: string) {
  await getDb().transaction(async (tx) => {
    const [file] = await tx.select().from(files).where(eq(files.id, fileId)).for("update");
    expect(file?.id).toBe(fileId);
    await purgeFileRows({ actor: { type: "system", name: "trash-retention" }, tx }, file, { reason: "retention" });
  });
}

describe("trash and restore", () => {
  it("moves a deleted file to the trash, where only its owner sees it, and restores it downloadable", async () => {
    const bytes = fakeJpeg(6000);
    const fileId = await upload(alice.session, bytes);
    const stored = await usage(alice.id);

    const deleted = await alice.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true, message: expect.stringContaining("trash"), deletedAt: expect.any(String) });
    expect(() => deleteResult.parse(deleted.body)).not.toThrow();

    const trash = await alice.session.json("/api/v1/trash");
    expect(() => trashList.parse(trash.body)).not.toThrow();
    const item = trash.body.files.find((f: { fileId: string }) => f.fileId === fileId);
    expect(item).toMatchObject({ fileId, deletedAt: deleted.body.deletedAt, ownerEmail: alice.email });
    expect(new Date(item.purgeAt).getTime() - new Date(item.deletedAt).getTime()).toBe(30 * 86_400_000);
    expect((await alice.session.json(`/api/v1/files?q=${encodeURIComponent(item.filename)}`)).body.files).toEqual([]);
    expect((await download(alice.session, fileId)).status).toBe(404);
    // Still counted against the quota while in the trash.
    expect(await usage(alice.id)).toBe(stored);

    // Not bob's to see or restore; nobody's without signing in.
    expect(await trashIds(bob.session)).not.toContain(fileId);
    expect(await trashIds(bob.session, `?ownerId=${alice.id}`)).toEqual([]);
    expect((await bob.session.json(`/api/v1/files/${fileId}/restore`, { method: "POST" })).status).toBe(404);
    expect((await anonymous.json("/api/v1/trash")).status).toBe(401);
    expect((await anonymous.json(`/api/v1/files/${fileId}/restore`, { method: "POST" })).status).toBe(401);

    const restored = await alice.session.json(`/api/v1/files/${fileId}/restore`, { method: "POST" });
    expect(restored.status).toBe(200);
    expect(() => restoreResult.parse(restored.body)).not.toThrow();
    expect(restored.body).toMatchObject({ success: true, restored: true, file: { fileId, status: "ready" } });
    expect(await trashIds(alice.session)).not.toContain(fileId);
    const again = await download(alice.session, fileId);
    expect(again.status).toBe(200);
    expect(sha256(again.bytes)).toBe(sha256(bytes));
    expect(await usage(alice.id)).toBe(stored);
    // Restoring what is not in the trash changes nothing and says so.
    const twice = await alice.session.json(`/api/v1/files/${fileId}/restore`, { method: "POST" });
    expect(twice.status).toBe(200);
    expect(twice.body.restored).toBe(false);

    const actions = (await testSql()`select action from audit_events where file_id = ${fileId} order by id`).map((r) => r.action);
    expect(actions.filter((a) => a === "file.delete" || a === "file.restore")).toEqual(["file.delete", "file.restore"]);
  });

  it("lists every owner's trash for an admin, narrowed by ownerId, and pages it by cursor without gaps or repeats", async () => {
    const carol = await newUser();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await upload(carol.session, fakeJpeg(1000 + i));
      expect((await carol.session.json(`/api/v1/files/${id}`, { method: "DELETE" })).status).toBe(200);
      ids.push(id);
    }
    const bobs = await upload(bob.session, fakeJpeg(1500));
    expect((await bob.session.json(`/api/v1/files/${bobs}`, { method: "DELETE" })).status).toBe(200);

    expect(await trashIds(admin)).toEqual(expect.arrayContaining([...ids, bobs]));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: any } = await admin.json(`/api/v1/trash?ownerId=${carol.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.pagination.total).toBe(5);
      expect(res.body.files.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.files.map((f: { fileId: string }) => f.fileId));
      cursor = res.body.pagination.nextCursor;
    } while (cursor);
    // Newest deletion first.
    expect(seen).toEqual([...ids].reverse());
    expect(await trashIds(carol.session)).toEqual([...ids].reverse());

    const bad = await admin.json("/api/v1/trash?cursor=nonsense");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_cursor");
    expect((await admin.json("/api/v1/trash?ownerId=not-a-uuid")).status).toBe(400);

    // An admin restores someone else's file; the owner sees it back.
    expect((await admin.json(`/api/v1/files/${bobs}/restore`, { method: "POST" })).body.restored).toBe(true);
    expect((await bob.session.json(`/api/v1/files/${bobs}`)).status).toBe(200);
  });
});

describe("permanent purge", () => {
  it("deletes the file's rows and objects now, keeps its audit rows, and the chain still verifies", async () => {
    const fileId = await upload(alice.session, fakeJpeg(7000));
    const { versionKeys, variantKeys } = await objectsOf(fileId);
    expect(variantKeys.length).toBeGreaterThan(0);
    const before = await usage(alice.id);
    const size = Number((await testSql()`select size from files where id = ${fileId}`)[0].size);
    expect((await alice.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" })).status).toBe(200);
    expect((await bob.session.json(`/api/v1/files/${fileId}?permanent=true`, { method: "DELETE" })).status).toBe(404);

    const purged = await alice.session.json(`/api/v1/files/${fileId}?permanent=true`, { method: "DELETE" });
    expect(purged.status).toBe(200);
    expect(purged.body).toMatchObject({ success: true, deletedAt: expect.any(String), purgedAt: expect.any(String) });

    expect(await rowsLeft(fileId)).toEqual({ files: 0, versions: 0, jobs: 0, sessions: 0 });
    for (const key of [...versionKeys, ...variantKeys]) expect(await objectExists(key), key).toBe(false);
    expect(await usage(alice.id)).toBe(before - size);
    const actions = (await testSql()`select action from audit_events where file_id = ${fileId} order by id`).map((r) => r.action);
    expect(actions[0]).toBe("file.upload");
    expect(actions.slice(-2)).toEqual(["file.delete", "file.purge"]);
    expect(await verifyChain()).toMatchObject({ valid: true });

    // Gone for good: no restore, no second purge, not in the trash.
    expect((await alice.session.json(`/api/v1/files/${fileId}/restore`, { method: "POST" })).status).toBe(404);
    expect((await alice.session.json(`/api/v1/files/${fileId}?permanent=true`, { method: "DELETE" })).status).toBe(404);
    expect(await trashIds(alice.session)).not.toContain(fileId);
  });

  it("purges a live file straight away too, but not with a read-only key's permissions or under legal hold", async () => {
    const fileId = await upload(alice.session, fakeJpeg(3000));
    await testSql()`update files set legal_hold = true where id = ${fileId}`;
    expect((await alice.session.json(`/api/v1/files/${fileId}?permanent=true`, { method: "DELETE" })).status).toBe(409);
    await testSql()`update files set legal_hold = false where id = ${fileId}`;
    expect((await alice.session.json(`/api/v1/files/${fileId}?permanent=yes`, { method: "DELETE" })).status).toBe(400);
    const key = await admin.json("/api/v1/api-keys", { method: "POST", body: { name: "read only", scopes: ["files:read"], ownerId: alice.id } });
    const refused = await fetch(new URL(`/api/v1/files/${fileId}?permanent=true`, process.env.FRAMEVAULT_BASE_URL), {
      method: "DELETE",
      headers: { authorization: `Bearer ${key.body.secret}` },
    });
    expect(refused.status).toBe(403);
    // An admin may purge anyone's file.
    expect((await admin.json(`/api/v1/files/${fileId}?permanent=true`, { method: "DELETE" })).status).toBe(200);
    expect(await rowsLeft(fileId)).toEqual({ files: 0, versions: 0, jobs: 0, sessions: 0 });
  });

  it("aborts a new version's upload still in flight, so its parts do not linger", async () => {
    const fileId = await upload(alice.session, fakeJpeg(3500));
    // A browser reserving a new version of the file: its session and a started multipart upload with one part.
    const key = `originals/${fileId}/${randomUUID()}`;
    const started = await testS3().send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    await testS3().send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: started.UploadId, PartNumber: 1, Body: fakeJpeg(5 * 1024 * 1024) }));
    await testSql()`insert into upload_sessions (owner_id, file_id, version_id, object_key, filename, mime_type, size, mode, s3_upload_id, expires_at)
      values (${alice.id}, ${fileId}, ${key.split("/")[2]}, ${key}, 'v2.jpg', 'image/jpeg', ${10 * 1024 * 1024}, 'multipart', ${started.UploadId!}, now() + interval '1 hour')`;
    const inFlight = async () => ((await testS3().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }))).Uploads ?? []).length;
    expect(await inFlight()).toBe(1);

    expect((await alice.session.json(`/api/v1/files/${fileId}?permanent=true`, { method: "DELETE" })).status).toBe(200);
    expect(await rowsLeft(fileId)).toEqual({ files: 0, versions: 0, jobs: 0, sessions: 0 });
    expect(await inFlight()).toBe(0);
    expect(await objectExists(key)).toBe(false);
  });

  it("keeps content another file holds: that file stays downloadable bit-identical and the blob stays", async () => {
    const bytes = fakeJpeg(9000);
    const first = await upload(alice.session, bytes);
    const second = await upload(bob.session, bytes);
    const blobKey = `blobs/sha256/${sha256(bytes)}`;
    expect((await objectsOf(first)).versionKeys).toEqual([blobKey]);
    expect((await objectsOf(second)).versionKeys).toEqual([blobKey]);
    const [blob] = await testSql()`select ref_count from blobs where sha256 = ${sha256(bytes)}`;
    expect(blob.ref_count).toBe(2);
    const firstVariants = (await objectsOf(first)).variantKeys;

    expect((await alice.session.json(`/api/v1/files/${first}?permanent=true`, { method: "DELETE" })).status).toBe(200);
    expect(await objectExists(blobKey)).toBe(true);
    expect((await testSql()`select ref_count from blobs where sha256 = ${sha256(bytes)}`)[0].ref_count).toBe(1);
    for (const key of firstVariants) expect(await objectExists(key)).toBe(false);
    const kept = await download(bob.session, second);
    expect(kept.status).toBe(200);
    expect(kept.bytes.equals(bytes)).toBe(true);

    // The last reference gone, the blob goes with it.
    expect((await bob.session.json(`/api/v1/files/${second}?permanent=true`, { method: "DELETE" })).status).toBe(200);
    expect(await objectExists(blobKey)).toBe(false);
    expect(await testSql()`select 1 from blobs where sha256 = ${sha256(bytes)}`).toHaveLength(0);
  });
});

describe("daily purge", () => {
  it("is registered as a workflow on a daily cron", () => {
    const fn = functions.find((f) => f.id() === "purge-trash");
    expect(fn?.opts.triggers).toContainEqual({ cron: "30 3 * * *" });
  });

  it("purges what has been in the trash longer than the retention, and nothing younger", async () => {
    const bytes = fakeJpeg(5000);
    const old = await upload(alice.session, bytes);
    const young = await upload(alice.session, fakeJpeg(5001));
    const live = await upload(alice.session, fakeJpeg(5002));
    for (const id of [old, young]) expect((await alice.session.json(`/api/v1/files/${id}`, { method: "DELETE" })).status).toBe(200);
    const { versionKeys, variantKeys } = await objectsOf(old);
    await ageInTrash(old, 31);
    await ageInTrash(young, 29);

    const result = await purgeExpiredTrash();
    expect(result.purged).toBeGreaterThanOrEqual(1);
    expect(await rowsLeft(old)).toEqual({ files: 0, versions: 0, jobs: 0, sessions: 0 });
    for (const key of [...versionKeys, ...variantKeys]) expect(await objectExists(key), key).toBe(false);
    expect((await testSql()`select details from audit_events where file_id = ${old} and action = 'file.purge'`)[0].details).toMatchObject({ reason: "retention" });
    expect(await trashIds(alice.session)).toContain(young);
    expect((await download(alice.session, live)).status).toBe(200);
    expect(await verifyChain()).toMatchObject({ valid: true });
    // A second run finds nothing more of it to do.
    await purgeExpiredTrash();
    expect(await trashIds(alice.session)).toContain(young);
  });

  it("runs as the Inngest workflow when asked, through the local runner", async () => {
    const fileId = await upload(alice.session, fakeJpeg(4000));
    expect((await alice.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" })).status).toBe(200);
    const { variantKeys } = await objectsOf(fileId);
    await ageInTrash(fileId, 31);
    await inngest.send(trashPurgeRequested.create({}));
    // The rows go in one step and the objects in a later one (delete-queued-objects): wait for the run to reach both.
    const finished = async () => (await rowsLeft(fileId)).files === 0 && !(await Promise.all(variantKeys.map(objectExists))).some(Boolean);
    const deadline = Date.now() + 60_000;
    while (!(await finished()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await rowsLeft(fileId)).toEqual({ files: 0, versions: 0, jobs: 0, sessions: 0 });
    for (const key of variantKeys) expect(await objectExists(key), key).toBe(false);
  });

  it("resumes after a crash between the database and S3: nothing is left referenced-but-missing, and a re-run finishes", async () => {
    const bytes = fakeJpeg(8000);
    const fileId = await upload(alice.session, bytes);
    expect((await alice.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" })).status).toBe(200);
    const { versionKeys, variantKeys } = await objectsOf(fileId);
    const sha = sha256(bytes);

    // The purge's transaction commits, then the process dies before touching S3.
    await purgeRowsOnly(fileId);
    expect(await rowsLeft(fileId)).toEqual({ files: 0, versions: 0, jobs: 0, sessions: 0 });
    // Every object is still there, and each one is either queued or a blob at zero references.
    for (const key of [...versionKeys, ...variantKeys]) expect(await objectExists(key)).toBe(true);
    const queued = (await testSql()`select object_key from object_deletions where reason = ${`purge:${fileId}`}`).map((r) => r.object_key);
    expect(queued.sort()).toEqual([...variantKeys].sort());
    expect((await testSql()`select ref_count from blobs where sha256 = ${sha}`)[0].ref_count).toBe(0);

    // The next run's storage steps finish the job; running them again does nothing more.
    expect((await deleteQueuedObjects()).deletedObjects).toBeGreaterThanOrEqual(variantKeys.length);
    expect((await sweepUnreferencedBlobs()).deletedBlobs).toBeGreaterThanOrEqual(1);
    for (const key of [...versionKeys, ...variantKeys]) expect(await objectExists(key)).toBe(false);
    expect(await testSql()`select 1 from object_deletions where reason = ${`purge:${fileId}`}`).toHaveLength(0);
    expect(await testSql()`select 1 from blobs where sha256 = ${sha}`).toHaveLength(0);
    expect(await deleteQueuedObjects()).toEqual({ deletedObjects: 0 });
    expect(await sweepUnreferencedBlobs()).toEqual({ deletedBlobs: 0 });
  });

  it("stores content again when a blob sweep died after deleting the object but before its row", async () => {
    const bytes = fakeJpeg(8500);
    const fileId = await upload(alice.session, bytes);
    const sha = sha256(bytes);
    // The purge released the blob (zero references); the sweep deleted its object, then crashed.
    await purgeRowsOnly(fileId);
    await deleteQueuedObjects();
    await testS3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `blobs/sha256/${sha}` }));
    expect((await testSql()`select ref_count from blobs where sha256 = ${sha}`)[0].ref_count).toBe(0);

    // Someone uploads the same bytes: processing takes the reference under the blob's lock, finds the
    // object gone and writes it again, so the new file is whole.
    const again = await upload(bob.session, bytes);
    expect((await testSql()`select ref_count from blobs where sha256 = ${sha}`)[0].ref_count).toBe(1);
    const got = await download(bob.session, again);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    // And the sweep leaves a referenced blob alone.
    await sweepUnreferencedBlobs();
    expect(await objectExists(`blobs/sha256/${sha}`)).toBe(true);
  });

  it("picks up the rest of a batch a crashed run did not reach", async () => {
    const ids = [await upload(alice.session, fakeJpeg(2100)), await upload(alice.session, fakeJpeg(2200))];
    for (const id of ids) {
      expect((await alice.session.json(`/api/v1/files/${id}`, { method: "DELETE" })).status).toBe(200);
      await ageInTrash(id, 40);
    }
    // A run that got through one file and died.
    expect(await purgeExpiredTrash({ limit: 1 })).toEqual({ purged: 1, more: true });
    const left = await Promise.all(ids.map(async (id) => (await rowsLeft(id)).files));
    expect(left.sort()).toEqual([0, 1]);
    await purgeExpiredTrash();
    for (const id of ids) expect(await rowsLeft(id)).toEqual({ files: 0, versions: 0, jobs: 0, sessions: 0 });
  });
});
