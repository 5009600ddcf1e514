import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { deduplicateVersion } from "@/lib/files/blobs";
import { hashStoredVersion, recordProcessingOutcome } from "@/lib/files/processing";
import { BUCKET, bucketKeys, testS3, testSql, waitForStatus } from "@/scripts/testing/backends";
import { adminSignIn, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { makePng, sha256 } from "@/scripts/testing/fixtures";
import { eicar, ensureFfmpeg, makeVideo } from "@/lib/processing/test-media";

// The processing pipeline end to end: uploads through the API, the real runner, clamd, Ceph and
// Postgres, and what each outcome looks like from the outside.

let alice: Awaited<ReturnType<typeof newUser>>;
let bob: Awaited<ReturnType<typeof newUser>>;
let admin: Session;

beforeAll(async () => {
  [alice, bob] = await Promise.all([newUser(), newUser()]);
  admin = await adminSignIn();
});

async function upload(session: Session, name: string, type: string, bytes: Buffer, fields: Record<string, string> = {}): Promise<string> {
  const res = await apiUpload(session, { name, type, bytes }, fields);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.fileId;
}

async function settle(session: Session, fileId: string, wanted: string, timeoutMs = 45_000) {
  const status = await waitForStatus(async () => (await session.json(`/api/v1/files/${fileId}`)).body.status, wanted, timeoutMs);
  expect(status).toBe(wanted);
  return (await session.json(`/api/v1/files/${fileId}`)).body;
}

async function jobOf(fileId: string) {
  const res = await admin.json(`/api/v1/jobs?fileId=${fileId}`);
  expect(res.status).toBe(200);
  return res.body.jobs[0];
}

function photoWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 2000, height: 1500, channels: 3, background: "#3a6", noise: { type: "gaussian", mean: 120, sigma: 30 } } })
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: "Axis Communications", Model: "M3106-L Mk II" },
      IFD2: { DateTimeOriginal: "2024:05:06 07:08:09", OffsetTimeOriginal: "+02:00" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 31/1 12/1", GPSLongitudeRef: "E", GPSLongitude: "13/1 24/1 36/1" },
    })
    .toBuffer();
}

describe("processing an image", () => {
  let fileId: string;
  let photo: Buffer;

  it("makes a JPEG with EXIF ready, with its capture time, camera and WebP variants", async () => {
    photo = await photoWithExif();
    fileId = await upload(alice.session, "gate.jpg", "image/jpeg", photo, { checksum: sha256(photo) });
    const file = await settle(alice.session, fileId, "ready");
    expect(file.capturedAt).toBe("2024-05-06T05:08:09.000Z");
    expect(file.checksum).toBe(sha256(photo));
    expect(file.media).toMatchObject({ kind: "image", width: 2000, height: 1500, cameraMake: "Axis Communications", cameraModel: "M3106-L Mk II" });
    expect(file.media.gps.lat).toBeCloseTo(52.52, 2);
    expect(file.thumbnailUrl).toContain("variant=thumbnail");

    for (const [name, width, height] of [["thumbnail", 320, 240], ["preview", 1600, 1200]] as const) {
      // The URL the API gives names the version: cached for good. The plain one follows the current version.
      const url = new URL(file.variants.find((v: { name: string }) => v.name === name).url);
      const res = await alice.session.fetch(url.pathname + url.search);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/webp");
      expect(res.headers.get("cache-control")).toContain("immutable");
      const plain = await alice.session.fetch(`/api/v1/files/${fileId}/download?variant=${name}`);
      expect(plain.headers.get("cache-control")).toBe("private, no-cache");
      await plain.arrayBuffer();
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: "webp", width, height });
      expect((await bob.session.fetch(`/api/v1/files/${fileId}/download?variant=${name}`)).status).toBe(404);
    }
    const job = await jobOf(fileId);
    expect(job).toMatchObject({ status: "succeeded", attempts: 1, lastError: null });
  });

  it("converts on download to AVIF, and serves the second request from the cached variant", async () => {
    const first = await alice.session.fetch(`/api/v1/files/${fileId}/download?format=avif&quality=50`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("image/avif");
    expect(first.headers.get("x-framevault-variant-cache")).toBe("miss");
    expect(first.headers.get("content-disposition")).toContain("gate.avif");
    const bytes = Buffer.from(await first.arrayBuffer());
    expect((await sharp(bytes).metadata()).format).toBe("heif");
    expect(Number(first.headers.get("content-length"))).toBe(bytes.length);

    const second = await alice.session.fetch(`/api/v1/files/${fileId}/download?format=avif&quality=50`);
    expect(second.headers.get("x-framevault-variant-cache")).toBe("hit");
    expect(sha256(Buffer.from(await second.arrayBuffer()))).toBe(sha256(bytes));
    const [version] = await testSql()`select id from file_versions where file_id = ${fileId}`;
    expect(await bucketKeys(`variants/${version.id}/convert-avif-q50`)).toHaveLength(1);
    expect((await alice.session.fetch(`/api/v1/files/${fileId}/download?format=gif`)).status).toBe(400);
  });

  it("rejects bytes that do not match the checksum the client sent", async () => {
    const bytes = await makePng(20, 20);
    const id = await upload(alice.session, "sum.png", "image/png", bytes, { checksum: "0".repeat(64) });
    const file = await settle(alice.session, id, "rejected");
    expect(file.statusReason).toContain(sha256(bytes));
  });

  it("records a PNG named .jpg as PNG", async () => {
    const id = await upload(alice.session, "really-a-png.jpg", "image/jpeg", await makePng(40, 30));
    const file = await settle(alice.session, id, "ready");
    expect(file.mimeType).toBe("image/png");
    expect((await alice.session.fetch(`/api/v1/files/${id}/download`)).headers.get("content-type")).toBe("image/png");
  });

  it("rejects an executable renamed .jpg, with the reason", async () => {
    const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(512, 1)]);
    const id = await upload(alice.session, "holiday.jpg", "image/jpeg", exe);
    const file = await settle(alice.session, id, "rejected");
    expect(file.statusReason).toMatch(/executable/i);
    expect((await alice.session.fetch(`/api/v1/files/${id}/download`)).status).toBe(409);
  });
});

describe("virus scanning", () => {
  it("quarantines the EICAR test file, says why, and refuses to serve it", async () => {
    const id = await upload(alice.session, "invoice.jpg", "image/jpeg", eicar());
    const file = await settle(alice.session, id, "quarantined");
    expect(file.statusReason).toMatch(/Eicar/i);
    expect((await admin.json(`/api/v1/files/${id}`)).body.statusReason).toMatch(/Eicar/i);
    const download = await alice.session.json(`/api/v1/files/${id}/download`);
    expect(download.status).toBe(409);
    expect(download.body.error.code).toBe("file_unavailable");
    expect((await alice.session.fetch(`/api/v1/files/${id}/download?variant=thumbnail`)).status).toBe(409);
    expect(file.thumbnailUrl).toBeNull();
  });
});

describe("a rescan", () => {
  it("quarantines a ready file in which it now finds malware, records it and stops serving it", async () => {
    const png = await makePng(61, 47);
    const id = await upload(alice.session, "rescan.png", "image/png", png);
    await settle(alice.session, id, "ready");
    expect((await alice.session.fetch(`/api/v1/files/${id}/download`)).status).toBe(200);
    // New signatures, played from the test side: the stored bytes (same length) now match one.
    const [version] = await testSql()`select object_key from file_versions where file_id = ${id}`;
    expect(png.length).toBeGreaterThan(eicar().length);
    const infected = Buffer.concat([eicar(), Buffer.alloc(png.length - eicar().length, 0x20)]);
    await testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: version.object_key, Body: infected }));

    const job = await jobOf(id);
    expect((await admin.json(`/api/v1/jobs/${job.id}/retry`, { method: "POST" })).status).toBe(200);
    const file = await settle(alice.session, id, "quarantined");
    expect(file.statusReason).toMatch(/Eicar/i);
    expect((await alice.session.json(`/api/v1/files/${id}/download`)).body.error.code).toBe("file_unavailable");
    const audited = await testSql()`select details from audit_events where file_id = ${id} and action = 'file.processed' order by id`;
    expect(audited.map((r) => r.details.status)).toEqual(["ready", "quarantined"]);
    // Leave the shared store consistent: the content-addressed blob holds its own bytes again (a backup run in a
    // later test file verifies every stored object against its recorded hash, and would rightly flag this one).
    await testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: version.object_key, Body: png }));
  });
});

describe("hash, then copy", () => {
  async function storedVersion(bytes: Buffer, recordedSize = bytes.length) {
    const fileId = randomUUID();
    const versionId = randomUUID();
    const key = `originals/${fileId}/${versionId}`;
    await testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
    await testSql()`insert into files (id, owner_id, filename, mime_type, size, current_version_id) values (${fileId}, ${bob.id}, 'swap.jpg', 'image/jpeg', ${recordedSize}, ${versionId})`;
    await testSql()`insert into file_versions (id, file_id, version, object_key, size, mime_type) values (${versionId}, ${fileId}, 1, ${key}, ${recordedSize}, 'image/jpeg')`;
    return { fileId, versionId, key };
  }

  // The two halves of the workflow's verify-checksum step (hash, then copy to the blob), called in order,
  // with the upload overwritten between them (its presigned PUT URL may still be live).
  it("stores nothing when the object changes between hashing and the copy to its blob", async () => {
    const original = randomBytes(64 * 1024);
    const { fileId, versionId, key } = await storedVersion(original);
    const hash = await hashStoredVersion(fileId, versionId);
    if ("ok" in hash) throw new Error(hash.reason);
    expect(hash.sha256).toBe(sha256(original));
    const swapped = randomBytes(original.length);
    await testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: swapped }));

    const moved = await deduplicateVersion(fileId, versionId, hash.sha256, hash.size, hash.etag);
    expect(moved.ok).toBe(false);
    if (moved.ok) return;
    expect(moved.reason).toMatch(/changed after it was checked/);
    expect(await bucketKeys(`blobs/sha256/${sha256(original)}`)).toEqual([]);
    expect(await bucketKeys(`blobs/sha256/${sha256(swapped)}`)).toEqual([]);
    expect(await testSql()`select 1 from blobs where sha256 in (${sha256(original)}, ${sha256(swapped)})`).toHaveLength(0);
    const [version] = await testSql()`select object_key, checksum_sha256 from file_versions where id = ${versionId}`;
    expect(version).toEqual({ object_key: key, checksum_sha256: null });
    await recordProcessingOutcome(fileId, "rejected", moved.reason);
    const [file] = await testSql()`select status from files where id = ${fileId}`;
    expect(file.status).toBe("rejected");
  });

  it("takes a download's Content-Length from the stored object, not from the row", async () => {
    const png = await makePng(53, 29);
    const id = await upload(bob.session, "length.png", "image/png", png);
    await settle(bob.session, id, "ready");
    await testSql()`update file_versions set size = size + 10 where file_id = ${id}`;
    const res = await bob.session.fetch(`/api/v1/files/${id}/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe(String(png.length));
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(png));
    // The row's size back to the truth, so the shared database is left consistent for later test files (backups).
    await testSql()`update file_versions set size = size - 10 where file_id = ${id}`;
  });

  it("rejects bytes whose count differs from the size recorded at upload", async () => {
    const { fileId, versionId } = await storedVersion(randomBytes(4100), 4096);
    expect(await hashStoredVersion(fileId, versionId)).toEqual({ ok: false, reason: "The stored object has 4100 bytes, not the 4096 recorded at upload." });
  });
});

describe("deduplication", () => {
  it("stores identical bytes from two users once; deleting one copy leaves the other downloadable", async () => {
    const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 7, g: 77, b: Math.floor(Math.random() * 255) } } }).jpeg().toBuffer();
    const mine = await upload(alice.session, "same.jpg", "image/jpeg", bytes);
    const theirs = await upload(bob.session, "same-too.jpg", "image/jpeg", bytes);
    await settle(alice.session, mine, "ready");
    await settle(bob.session, theirs, "ready");

    const hash = sha256(bytes);
    const versions = await testSql()`select object_key from file_versions where file_id in (${mine}, ${theirs})`;
    expect(versions.map((v) => v.object_key)).toEqual([`blobs/sha256/${hash}`, `blobs/sha256/${hash}`]);
    const [blob] = await testSql()`select ref_count from blobs where sha256 = ${hash}`;
    expect(blob.ref_count).toBe(2);
    expect(await bucketKeys(`blobs/sha256/${hash}`)).toHaveLength(1);
    expect(await bucketKeys(`originals/${mine}/`)).toEqual([]);
    expect(await bucketKeys(`originals/${theirs}/`)).toEqual([]);

    expect((await alice.session.json(`/api/v1/files/${mine}`, { method: "DELETE" })).status).toBe(200);
    const res = await bob.session.fetch(`/api/v1/files/${theirs}/download`);
    expect(res.status).toBe(200);
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(hash);
  });
});

describe("processing a video", () => {
  it("probes a short clip for its duration and codec and grabs a poster frame", async () => {
    ensureFfmpeg();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fv-video-"));
    const file = await makeVideo({ file: path.join(dir, "clip.mp4"), width: 640, height: 360, seconds: 2 });
    const id = await upload(alice.session, "clip.mp4", "video/mp4", fs.readFileSync(file));
    fs.rmSync(dir, { recursive: true, force: true });
    const detail = await settle(alice.session, id, "ready");
    expect(detail.media).toMatchObject({ kind: "video", width: 640, height: 360, videoCodec: "h264" });
    expect(detail.media.durationSeconds).toBeGreaterThan(1.5);
    expect(detail.media.durationSeconds).toBeLessThan(2.5);
    const poster = await alice.session.fetch(`/api/v1/files/${id}/download?variant=poster`);
    expect(poster.status).toBe(200);
    const meta = await sharp(Buffer.from(await poster.arrayBuffer())).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: "webp", width: 640, height: 360 });
    expect(detail.variants.map((v: { name: string }) => v.name).sort()).toEqual(["poster", "thumbnail"]);
  });
});

// FRAMEVAULT_FAULTS (set by scripts/test.ts) makes the virus-scan step of files named fault-twice-*
// throw on its first two attempts, and of fault-always-* on every attempt.
describe("retries and failures", () => {
  it("finishes a step that fails twice then succeeds, with 3 attempts recorded", async () => {
    const id = await upload(alice.session, "fault-twice-door.png", "image/png", await makePng(24, 24));
    // Until its scan has passed, the file is not served in any form.
    const early = await alice.session.json(`/api/v1/files/${id}/download`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("file_processing");
    expect(early.headers.get("retry-after")).toBe("2");
    await settle(alice.session, id, "ready", 60_000);
    expect((await alice.session.fetch(`/api/v1/files/${id}/download`)).status).toBe(200);
    const job = await jobOf(id);
    expect(job).toMatchObject({ status: "succeeded", attempts: 3 });
    expect(job.lastError).toBeNull();
  });

  it("marks a step that always fails as failed, shows it on the Jobs list, and runs it again on retry", async () => {
    const id = await upload(alice.session, "fault-always-door.png", "image/png", await makePng(28, 28));
    const file = await settle(alice.session, id, "failed", 90_000);
    expect(file.statusReason).toContain("injected fault");
    const job = await jobOf(id);
    expect(job).toMatchObject({ status: "failed", attempts: 5, fileStatus: "failed" });
    expect(job.lastError).toContain("virus-scan: injected fault");
    const failedList = await admin.json("/api/v1/jobs?status=failed");
    expect(failedList.body.jobs.map((j: { id: string }) => j.id)).toContain(job.id);
    expect(failedList.body.counts.failed).toBeGreaterThanOrEqual(1);

    expect((await alice.session.json(`/api/v1/jobs/${job.id}/retry`, { method: "POST" })).status).toBe(403);
    const retried = await admin.json(`/api/v1/jobs/${job.id}/retry`, { method: "POST" });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: job.id, status: "queued", resends: 1 });
    // It ran again: attempts start over and the same fault fails it again.
    await waitForStatus(async () => (await jobOf(id)).status, "running", 20_000);
    expect(await waitForStatus(async () => (await jobOf(id)).status, "failed", 90_000)).toBe("failed");
    expect(await testSql()`select action from audit_events where file_id = ${id} and action = 'job.retry'`).toHaveLength(1);
  }, 240_000);
});
