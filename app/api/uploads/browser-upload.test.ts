import { PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { anonymous, newUser, type Session } from "@/scripts/testing/client";
import { BUCKET, bucketKeys, footprint, testS3, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { fakeJpeg, sha256 } from "@/scripts/testing/fixtures";

// These tests play Uppy's part: they ask the app to sign each S3 request, then send it to S3 directly.

const MiB = 1024 * 1024;
let alice: Awaited<ReturnType<typeof newUser>>;
let bob: Awaited<ReturnType<typeof newUser>>;

beforeAll(async () => {
  [alice, bob] = await Promise.all([newUser(), newUser()]);
});

async function sign(session: Session, request: Record<string, unknown>) {
  return session.json("/api/uploads/sign", { method: "POST", body: request });
}

async function startUpload(session: Session, name: string, bytes: Buffer, type = "image/jpeg") {
  const res = await session.json("/api/uploads", { method: "POST", body: { filename: name, size: bytes.length, mimeType: type, tags: ["browser"] } });
  expect(res.status).toBe(201);
  return res.body as { uploadId: string; key: string; mode: "single" | "multipart"; partSize: number };
}

async function multipartUpload(session: Session, created: { key: string; partSize: number }, bytes: Buffer) {
  const init = await sign(session, { method: "POST", key: created.key });
  expect(init.status).toBe(200);
  const initRes = await fetch(init.body.url, { method: "POST", headers: init.body.headers });
  expect(initRes.status).toBe(200);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await initRes.text())![1];
  const parts: { n: number; etag: string }[] = [];
  const count = Math.ceil(bytes.length / created.partSize);
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const signed = await sign(session, { method: "PUT", key: created.key, uploadId, partNumber: i + 1 });
      const put = await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(bytes.subarray(i * created.partSize, (i + 1) * created.partSize)) });
      expect(put.status).toBe(200);
      parts.push({ n: i + 1, etag: put.headers.get("etag")! });
    }),
  );
  return { uploadId, parts: parts.sort((a, b) => a.n - b.n) };
}

describe("browser uploads (presigned, straight to S3)", () => {
  it("records a single-PUT upload after verifying the object", async () => {
    const bytes = fakeJpeg(200 * 1024);
    const created = await startUpload(alice.session, "small.jpg", bytes);
    expect(created.mode).toBe("single");
    const signed = await sign(alice.session, { method: "PUT", key: created.key });
    expect(signed.status).toBe(200);
    // Short-lived, and encryption is part of the signature: S3 refuses the write without it.
    expect(Number(new URL(signed.body.url).searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(300);
    const { "x-amz-server-side-encryption": sse, ...unencrypted } = signed.body.headers;
    expect(sse).toBe("AES256");
    expect((await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(bytes), headers: unencrypted })).status).toBe(403);
    const put = await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(bytes), headers: signed.body.headers });
    expect(put.status).toBe(200);
    const done = await alice.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ filename: "small.jpg", size: bytes.length, mimeType: "image/jpeg" });
    const again = await alice.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" });
    expect(again.body.fileId).toBe(done.body.fileId);
    await waitUntilProcessed(done.body.fileId);
    const dl = await alice.session.fetch(`/api/v1/files/${done.body.fileId}/download`);
    expect(sha256(Buffer.from(await dl.arrayBuffer()))).toBe(sha256(bytes));
  });

  it("records a 12 MiB multipart upload in 5 MiB parts, with ListParts for resuming", async () => {
    const bytes = fakeJpeg(12 * MiB);
    const created = await startUpload(alice.session, "clip-still.jpg", bytes);
    expect(created.mode).toBe("multipart");
    expect(created.partSize).toBe(5 * MiB);
    const { uploadId, parts } = await multipartUpload(alice.session, created, bytes);
    expect(parts).toHaveLength(3);
    const list = await sign(alice.session, { method: "GET", key: created.key, uploadId });
    const listed = await (await fetch(list.body.url)).text();
    expect(listed.match(/<PartNumber>/g)).toHaveLength(3);
    const complete = await sign(alice.session, { method: "POST", key: created.key, uploadId });
    const xml = `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.n}</PartNumber><ETag>${p.etag}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
    expect((await fetch(complete.body.url, { method: "POST", body: xml })).status).toBe(200);
    const done = await alice.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    await waitUntilProcessed(done.body.fileId);
    const dl = await alice.session.fetch(`/api/v1/files/${done.body.fileId}/download`);
    expect(sha256(Buffer.from(await dl.arrayBuffer()))).toBe(sha256(bytes));
  });

  it("signs nothing for another user's upload, another multipart upload or an impossible part", async () => {
    const bytes = fakeJpeg(11 * MiB);
    const created = await startUpload(alice.session, "x.jpg", bytes);
    expect((await sign(bob.session, { method: "POST", key: created.key })).status).toBe(404);
    expect((await sign(anonymous, { method: "POST", key: created.key })).status).toBe(401);
    expect((await sign(alice.session, { method: "PUT", key: created.key })).status).toBe(400);
    const { uploadId } = await multipartUpload(alice.session, created, bytes.subarray(0, 5 * MiB));
    expect((await sign(alice.session, { method: "PUT", key: created.key, uploadId, partNumber: 4 })).status).toBe(400);
    expect((await sign(alice.session, { method: "PUT", key: created.key, uploadId: "forged", partNumber: 1 })).status).toBe(409);
    expect((await sign(alice.session, { method: "PUT", key: "originals/other/key", uploadId, partNumber: 1 })).status).toBe(404);
    expect((await bob.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" })).status).toBe(404);
    const cancelled = await alice.session.fetch(`/api/uploads/${created.uploadId}`, { method: "DELETE" });
    expect(cancelled.status).toBe(204);
    expect(await bucketKeys(created.key)).toEqual([]);
  });

  it("refuses through S3 a single PUT of more or fewer bytes than were reserved", async () => {
    const reserved = fakeJpeg(1000);
    const created = await startUpload(alice.session, "exact.jpg", reserved);
    const signed = await sign(alice.session, { method: "PUT", key: created.key });
    expect(new URL(signed.body.url).searchParams.get("X-Amz-SignedHeaders")).toContain("content-length");
    // What a browser does: it sets Content-Length itself from the body, and the signed headers must be all it adds.
    expect(Object.keys(signed.body.headers).map((h) => h.toLowerCase())).not.toContain("content-length");
    for (const size of [1001, 10 * MiB, 999]) {
      expect((await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(fakeJpeg(size)), headers: signed.body.headers })).status).toBe(403);
    }
    expect(await bucketKeys(created.key)).toEqual([]);
    expect((await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(reserved), headers: signed.body.headers })).status).toBe(200);
    expect((await alice.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" })).status).toBe(200);
  });

  it("refuses through S3 a part of any length but its own: the part size, the remainder for the last", async () => {
    const bytes = fakeJpeg(12 * MiB);
    const created = await startUpload(alice.session, "parts.jpg", bytes);
    const init = await sign(alice.session, { method: "POST", key: created.key });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await (await fetch(init.body.url, { method: "POST", headers: init.body.headers })).text())![1];
    const part = async (n: number, body: Buffer) => {
      const signed = await sign(alice.session, { method: "PUT", key: created.key, uploadId, partNumber: n });
      return (await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(body) })).status;
    };
    expect(await part(1, bytes.subarray(0, 5 * MiB + 1))).toBe(403);
    expect(await part(1, fakeJpeg(6 * MiB))).toBe(403);
    expect(await part(3, bytes.subarray(5 * MiB, 10 * MiB))).toBe(403);
    expect(await part(3, bytes.subarray(10 * MiB, 12 * MiB - 1))).toBe(403);
    expect(await part(1, bytes.subarray(0, 5 * MiB))).toBe(200);
    expect(await part(3, bytes.subarray(10 * MiB))).toBe(200);
    expect((await alice.session.fetch(`/api/uploads/${created.uploadId}`, { method: "DELETE" })).status).toBe(204);
  });

  it("rejects a stored object whose size differs from the announced one and removes it", async () => {
    const before = await footprint(alice.id);
    const created = await startUpload(alice.session, "liar.jpg", fakeJpeg(1000));
    // Presigned URLs cannot write another length any more; a writer with the bucket's own keys still could.
    await testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: created.key, Body: fakeJpeg(10) }));
    const done = await alice.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" });
    expect(done.status).toBe(422);
    expect(done.body.error.code).toBe("size_mismatch");
    expect(await footprint(alice.id)).toEqual(before);
  });

  it("validates before reserving: size, type, empty files, quota and malformed JSON", async () => {
    const before = await footprint(alice.id);
    const post = (body: unknown) => alice.session.json("/api/uploads", { method: "POST", body });
    expect((await post({ filename: "huge.mp4", size: Number(process.env.MAX_UPLOAD_BYTES) + 1, mimeType: "video/mp4" })).status).toBe(413);
    expect((await post({ filename: "page.html", size: 10, mimeType: "text/html" })).status).toBe(415);
    expect((await post({ filename: "empty.jpg", size: 0, mimeType: "image/jpeg" })).status).toBe(400);
    const malformed = await alice.session.json("/api/uploads", { method: "POST", body: "{oops", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("invalid_json");
    expect(await footprint(alice.id)).toEqual(before);

    // Reservations count against the quota before any byte is sent.
    const fresh = await newUser();
    const quota = Number(process.env.USER_QUOTA_BYTES);
    const size = Number(process.env.MAX_UPLOAD_BYTES);
    const statuses: number[] = [];
    for (let used = 0; used <= quota; used += size) {
      statuses.push((await fresh.session.json("/api/uploads", { method: "POST", body: { filename: "q.mp4", size, mimeType: "video/mp4" } })).status);
    }
    expect(statuses.at(-1)).toBe(413);
    expect(statuses.slice(0, -1).every((s) => s === 201)).toBe(true);
  });

  it("serialises quota checks: 50 parallel starts against a small quota never reserve more than it", async () => {
    const fresh = await newUser();
    const quota = Number(process.env.USER_QUOTA_BYTES);
    const size = 5 * MiB;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => fresh.session.json("/api/uploads", { method: "POST", body: { filename: `race-${i}.jpg`, size, mimeType: "image/jpeg" } })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created.length * size).toBeLessThanOrEqual(quota);
    expect(created.length).toBe(Math.floor(quota / size));
    for (const refused of results.filter((r) => r.status !== 201)) {
      expect(refused.status).toBe(413);
      expect(refused.body.error.code).toBe("quota_exceeded");
    }
    const [reserved] = await testSql()`select coalesce(sum(size), 0)::bigint as total from upload_sessions where owner_id = ${fresh.id} and status = 'pending'`;
    expect(Number(reserved.total)).toBeLessThanOrEqual(quota);
  });
});
