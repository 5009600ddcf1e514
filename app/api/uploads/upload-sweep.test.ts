import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { functions } from "@/inngest";
import { deleteUnownedUploadObjects, expireUploadSessions } from "@/lib/files/upload-cleanup";
import { BUCKET, bucketKeys, testS3, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { newUser, type Session } from "@/scripts/testing/client";
import { fakeJpeg } from "@/scripts/testing/fixtures";

// The upload sweep, called here exactly as the `sweep-uploads` workflow's steps call it on its cron.

const MiB = 1024 * 1024;
let carol: Awaited<ReturnType<typeof newUser>>;

beforeAll(async () => {
  carol = await newUser();
});

async function start(session: Session, name: string, size: number) {
  const res = await session.json("/api/uploads", { method: "POST", body: { filename: name, size, mimeType: "image/jpeg" } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { uploadId: string; key: string; partSize: number };
}

async function sign(session: Session, request: Record<string, unknown>) {
  const res = await session.json("/api/uploads/sign", { method: "POST", body: request });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { url: string; headers?: Record<string, string> };
}

async function multipartUploadsAt(key: string): Promise<string[]> {
  const page = await testS3().send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: key }));
  return (page.Uploads ?? []).map((u) => u.UploadId!);
}

async function expireNow(uploadId: string) {
  await testSql()`update upload_sessions set expires_at = now() - interval '1 second' where id = ${uploadId}`;
}

describe("upload sweep", () => {
  it("is registered as a workflow on a five-minute cron", () => {
    const sweep = functions.find((fn) => fn.id() === "sweep-uploads");
    expect(sweep?.opts.triggers).toEqual([{ cron: "*/5 * * * *" }]);
  });

  it("expires an unfinished multipart upload: its parts, its object and its reservation are gone", async () => {
    const quota = Number(process.env.USER_QUOTA_BYTES);
    const size = 12 * MiB;
    const created = await start(carol.session, "abandoned.jpg", size);
    const init = await sign(carol.session, { method: "POST", key: created.key });
    const s3UploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await (await fetch(init.url, { method: "POST", headers: init.headers })).text())![1];
    const part = await sign(carol.session, { method: "PUT", key: created.key, uploadId: s3UploadId, partNumber: 1 });
    expect((await fetch(part.url, { method: "PUT", body: new Uint8Array(fakeJpeg(created.partSize)) })).status).toBe(200);
    // A second multipart upload the session never heard of (created but no part signed).
    const stray = await sign(carol.session, { method: "POST", key: created.key });
    expect((await fetch(stray.url, { method: "POST", headers: stray.headers })).status).toBe(200);
    expect(await multipartUploadsAt(created.key)).toHaveLength(2);
    // The reservation holds quota: with two more reservations, one of 20 MiB no longer fits.
    const others = [await start(carol.session, "other-1.jpg", 20 * MiB), await start(carol.session, "other-2.jpg", 20 * MiB)];
    expect(size + 3 * 20 * MiB).toBeGreaterThan(quota);
    const refused = await carol.session.json("/api/uploads", { method: "POST", body: { filename: "big.jpg", size: 20 * MiB, mimeType: "image/jpeg" } });
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe("quota_exceeded");

    await expireNow(created.uploadId);
    // (The workflow's own cron run may get to it first; either way the outcome is the same.)
    await expireUploadSessions();
    expect(await multipartUploadsAt(created.key)).toEqual([]);
    expect(await bucketKeys(created.key)).toEqual([]);
    const [session] = await testSql()`select status from upload_sessions where id = ${created.uploadId}`;
    expect(session.status).toBe("expired");
    // The reservation is released, and the session can no longer be signed for or completed.
    expect((await carol.session.json("/api/uploads/sign", { method: "POST", body: { method: "PUT", key: created.key, uploadId: s3UploadId, partNumber: 2 } })).status).toBe(404);
    expect((await carol.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" })).status).toBe(404);
    expect(2 * 20 * MiB + 20 * MiB).toBeLessThanOrEqual(quota);
    const fits = await start(carol.session, "fits.jpg", 20 * MiB);
    for (const s of [fits, ...others]) expect((await carol.session.fetch(`/api/uploads/${s.uploadId}`, { method: "DELETE" })).status).toBe(204);
    // Idempotent: a second run finds nothing more to do for it.
    await expireUploadSessions();
    expect(await bucketKeys(created.key)).toEqual([]);
  });

  /** Reserves a single-PUT upload of `size` bytes for carol and PUTs them through its presigned URL. */
  async function putSingle(name: string, size: number) {
    const bytes = fakeJpeg(size);
    const created = await start(carol.session, name, bytes.length);
    const put = await sign(carol.session, { method: "PUT", key: created.key });
    expect((await fetch(put.url, { method: "PUT", body: new Uint8Array(bytes), headers: put.headers })).status).toBe(200);
    return { created, bytes, put };
  }

  it("deletes an expired single upload's object", async () => {
    const { created } = await putSingle("late.jpg", 4096);
    await expireNow(created.uploadId);
    await expireUploadSessions();
    expect(await bucketKeys(created.key)).toEqual([]);
  });

  it("deletes bytes written through a URL after its session completed, and keeps what files own", async () => {
    const { created, bytes, put } = await putSingle("done.jpg", 8192);
    const done = await carol.session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    await waitUntilProcessed(done.body.fileId);
    // Processing moved the bytes to their blob; the original key is no one's now.
    expect(await bucketKeys(created.key)).toEqual([]);
    expect((await fetch(put.url, { method: "PUT", body: new Uint8Array(bytes), headers: put.headers })).status).toBe(200);
    expect(await bucketKeys(created.key)).toEqual([created.key]);

    // An object a pending session owns stays.
    const pending = await start(carol.session, "pending.jpg", bytes.length);
    const pendingPut = await sign(carol.session, { method: "PUT", key: pending.key });
    expect((await fetch(pendingPut.url, { method: "PUT", body: new Uint8Array(bytes), headers: pendingPut.headers })).status).toBe(200);

    // The workflow waits UPLOAD_SESSION_TTL_SECONDS before deleting (an API upload writes its object just
    // before its row); with the default wait the fresh object stays.
    await deleteUnownedUploadObjects();
    expect(await bucketKeys(created.key)).toEqual([created.key]);
    const result = await deleteUnownedUploadObjects({ graceSeconds: 0 });
    expect(result.deletedObjects).toBeGreaterThanOrEqual(1);
    expect(await bucketKeys(created.key)).toEqual([]);
    expect(await bucketKeys(pending.key)).toEqual([pending.key]);
    const res = await carol.session.fetch(`/api/v1/files/${done.body.fileId}/download`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await carol.session.fetch(`/api/uploads/${pending.uploadId}`, { method: "DELETE" })).status).toBe(204);
    expect(await bucketKeys(pending.key)).toEqual([]);
  });
});
