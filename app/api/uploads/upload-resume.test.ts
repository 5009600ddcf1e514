import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { expireUploadSessions } from "@/lib/files/upload-cleanup";
import { BUCKET, bucketKeys, testS3, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { anonymous, newUser, type Session } from "@/scripts/testing/client";
import { fakeJpeg, sha256 } from "@/scripts/testing/fixtures";

// Resuming a browser upload after the page went away: the app lists the parts already in storage (owner only),
// the browser sends the rest. These tests play the browser's part, as browser-upload.test.ts does.

const MiB = 1024 * 1024;
let alice: Awaited<ReturnType<typeof newUser>>;
let bob: Awaited<ReturnType<typeof newUser>>;

beforeAll(async () => {
  [alice, bob] = await Promise.all([newUser(), newUser()]);
});

async function sign(session: Session, request: Record<string, unknown>) {
  const res = await session.json("/api/uploads/sign", { method: "POST", body: request });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { url: string; headers?: Record<string, string> };
}

async function start(session: Session, name: string, size: number) {
  const res = await session.json("/api/uploads", { method: "POST", body: { filename: name, size, mimeType: "image/jpeg" } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { uploadId: string; key: string; partSize: number; expiresAt: string };
}

async function createMultipart(session: Session, key: string): Promise<string> {
  const init = await sign(session, { method: "POST", key });
  return /<UploadId>([^<]+)<\/UploadId>/.exec(await (await fetch(init.url, { method: "POST", headers: init.headers })).text())![1];
}

async function putPart(session: Session, key: string, uploadId: string, n: number, bytes: Buffer, partSize: number): Promise<string> {
  const signed = await sign(session, { method: "PUT", key, uploadId, partNumber: n });
  const res = await fetch(signed.url, { method: "PUT", body: new Uint8Array(bytes.subarray((n - 1) * partSize, n * partSize)) });
  expect(res.status).toBe(200);
  return res.headers.get("etag")!;
}

async function multipartUploadsAt(key: string) {
  const page = await testS3().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }));
  return (page.Uploads ?? []).map((u) => u.UploadId);
}

describe("resuming a browser upload", () => {
  it("lists the stored parts, and the upload completes with only the missing ones sent; no multipart upload is left", async () => {
    const bytes = fakeJpeg(17 * MiB);
    const created = await start(alice.session, "resumed.jpg", bytes.length);
    expect(Date.parse(created.expiresAt)).toBeGreaterThan(Date.now());
    // Before any multipart upload exists there is nothing to resume, but the session is there.
    const empty = await alice.session.json(`/api/uploads/${created.uploadId}/parts`);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ uploadId: created.uploadId, key: created.key, mode: "multipart", s3UploadId: null, parts: [] });

    const s3UploadId = await createMultipart(alice.session, created.key);
    // A multipart upload the browser started and lost before its first part (a reload at that moment).
    await createMultipart(alice.session, created.key);
    const etags = new Map<number, string>();
    for (const n of [1, 3]) etags.set(n, await putPart(alice.session, created.key, s3UploadId, n, bytes, created.partSize));

    // The page is reloaded here: all it kept is the session id.
    const listed = await alice.session.json(`/api/uploads/${created.uploadId}/parts`);
    expect(listed.status).toBe(200);
    expect(listed.body.s3UploadId).toBe(s3UploadId);
    expect(listed.body.parts).toEqual([
      { partNumber: 1, etag: etags.get(1), size: 5 * MiB },
      { partNumber: 3, etag: etags.get(3), size: 5 * MiB },
    ]);

    for (const n of [2, 4]) etags.set(n, await putPart(alice.session, created.key, s3UploadId, n, bytes, created.partSize));
    const complete = await sign(alice.session, { method: "POST", key: created.key, uploadId: s3UploadId });
    const xml = `<CompleteMultipartUpload>${[1, 2, 3, 4].map((n) => `<Part><PartNumber>${n}</PartNumber><ETag>${etags.get(n)}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
    expect((await fetch(complete.url, { method: "POST", body: xml })).status).toBe(200);
    const done = await alice.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    // The stray multipart upload went with the completion.
    expect(await multipartUploadsAt(created.key)).toEqual([]);
    // A completed session has nothing to resume.
    expect((await alice.session.json(`/api/uploads/${created.uploadId}/parts`)).status).toBe(404);
    expect(await waitUntilProcessed(done.body.fileId)).toBe("ready");
    const dl = await alice.session.fetch(`/api/v1/files/${done.body.fileId}/download?redirect=false`);
    expect(sha256(Buffer.from(await dl.arrayBuffer()))).toBe(sha256(bytes));
  });

  it("answers only the session's owner: another user's session is a 404, no session a 401", async () => {
    const created = await start(alice.session, "private.jpg", 11 * MiB);
    const s3UploadId = await createMultipart(alice.session, created.key);
    await putPart(alice.session, created.key, s3UploadId, 1, fakeJpeg(11 * MiB), created.partSize);
    const other = await bob.session.json(`/api/uploads/${created.uploadId}/parts`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("not_found");
    expect(JSON.stringify(other.body)).not.toContain(s3UploadId);
    expect((await anonymous.json(`/api/uploads/${created.uploadId}/parts`)).status).toBe(401);
    expect((await alice.session.json("/api/uploads/not-a-uuid/parts")).status).toBe(400);
    expect((await alice.session.json(`/api/uploads/${created.uploadId}/parts`)).body.parts).toHaveLength(1);
    expect((await alice.session.fetch(`/api/uploads/${created.uploadId}`, { method: "DELETE" })).status).toBe(204);
    expect((await alice.session.json(`/api/uploads/${created.uploadId}/parts`)).status).toBe(404);
  });

  it("a session nobody resumes is still swept: its parts are gone once it expires", async () => {
    const created = await start(alice.session, "abandoned-resumable.jpg", 11 * MiB);
    const s3UploadId = await createMultipart(alice.session, created.key);
    await putPart(alice.session, created.key, s3UploadId, 1, fakeJpeg(11 * MiB), created.partSize);
    expect((await alice.session.json(`/api/uploads/${created.uploadId}/parts`)).body.parts).toHaveLength(1);
    await testSql()`update upload_sessions set expires_at = now() - interval '1 second' where id = ${created.uploadId}`;
    // Once expired it can no longer be resumed, and the sweep removes what it stored.
    expect((await alice.session.json(`/api/uploads/${created.uploadId}/parts`)).status).toBe(404);
    await expireUploadSessions();
    expect(await multipartUploadsAt(created.key)).toEqual([]);
    expect(await bucketKeys(created.key)).toEqual([]);
  });

  it("a single-PUT session resumes by sending its one request again", async () => {
    const created = await start(alice.session, "small-resume.jpg", 300 * 1024);
    const listed = await alice.session.json(`/api/uploads/${created.uploadId}/parts`);
    expect(listed.body).toMatchObject({ mode: "single", s3UploadId: null, parts: [] });
  });
});
