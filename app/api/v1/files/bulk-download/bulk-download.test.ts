import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import yauzl from "yauzl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminSignIn, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { fakeJpeg, sha256 } from "@/scripts/testing/fixtures";

const MiB = 1024 * 1024;
type User = Awaited<ReturnType<typeof newUser>>;

let alice: User;
let bob: User;
let dir: string;
/** Alice's 20 ready files: ids in upload order, with the bytes sent. */
const files: { id: string; name: string; bytes: Buffer }[] = [];

/** The app server's resident memory in KiB, from /proc (the test runner passes its pid). */
async function appRssKiB(): Promise<number> {
  const status = await readFile(`/proc/${process.env.FRAMEVAULT_APP_PID}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

function post(session: Session, body: unknown) {
  return session.fetch("/api/v1/files/bulk-download", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
}

/** Every entry of a ZIP on disk: its name and the SHA-256 of its bytes, read entry by entry. */
async function zipEntries(file: string): Promise<{ name: string; sha256: string; size: number }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))));
  const out: { name: string; sha256: string; size: number }[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", resolve);
    zip.on("entry", (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const hash = createHash("sha256");
        let size = 0;
        stream.on("data", (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
        });
        stream.on("error", reject);
        stream.on("end", () => {
          out.push({ name: entry.fileName, sha256: hash.digest("hex"), size });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return out;
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([newUser(), newUser()]);
  dir = await mkdtemp(path.join(tmpdir(), "framevault-zip-"));
  // 20 files, 1.5 MiB each (30 MiB, under the suite's 32 MiB BULK_DOWNLOAD_MAX_BYTES); two share a name.
  for (let i = 0; i < 20; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: 5 }, async (_, j) => {
        const name = i + j === 7 || i + j === 12 ? "gate.jpg" : `clip-${i + j}.jpg`;
        const bytes = fakeJpeg(1.5 * MiB);
        const res = await apiUpload(alice.session, { name, type: "image/jpeg", bytes });
        expect(res.status).toBe(201);
        return { id: res.body.fileId as string, name, bytes };
      }),
    );
    files.push(...batch);
  }
  for (const f of files) expect(await waitUntilProcessed(f.id)).toBe("ready");
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("POST /api/v1/files/bulk-download", () => {
  it("streams 20 files as one ZIP whose entries match the originals byte for byte, with the server's memory flat", async () => {
    const [foreign] = [(await apiUpload(bob.session, { name: "bob.jpg", type: "image/jpeg", bytes: fakeJpeg(500) })).body.fileId as string];
    const unknown = randomUUID();
    const ids = [...files.map((f) => f.id), foreign, unknown];

    const before = await appRssKiB();
    let peak = before;
    const sampler = setInterval(() => void appRssKiB().then((kib) => (peak = Math.max(peak, kib)), () => {}), 20);
    const res = await post(alice.session, { ids });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="framevault-20-files-\d{4}-\d{2}-\d{2}\.zip"/);
    expect(res.headers.get("x-framevault-zip-entries")).toBe("20");
    expect(res.headers.get("x-framevault-skipped-count")).toBe("2");
    // Another user's file and a missing one are left out alike.
    expect(res.headers.get("x-framevault-skipped")).toBe(`${foreign},${unknown}`);
    const zipPath = path.join(dir, "alice.zip");
    await pipeline(Readable.fromWeb(res.body as NodeWebStream<Uint8Array>), createWriteStream(zipPath));
    clearInterval(sampler);
    const after = await appRssKiB();
    const received = (await readFile(zipPath)).length;
    const sent = files.reduce((n, f) => n + f.bytes.length, 0);
    console.log(`bulk download: ${files.length} files, ${(sent / MiB).toFixed(1)} MiB of content, ZIP ${(received / MiB).toFixed(1)} MiB; app RSS before ${(before / 1024).toFixed(0)} MiB, peak ${(peak / 1024).toFixed(0)} MiB, after ${(after / 1024).toFixed(0)} MiB`);
    expect(Number(res.headers.get("content-length"))).toBe(received);

    const entries = await zipEntries(zipPath);
    const expectedNames = files.map((f) => f.name);
    expectedNames[12] = "gate (2).jpg";
    expect(entries.map((e) => e.name)).toEqual(expectedNames);
    expect(entries.map((e) => e.sha256)).toEqual(files.map((f) => sha256(f.bytes)));
    expect(entries.map((e) => e.size)).toEqual(files.map((f) => f.bytes.length));

    const audited = await testSql()`select file_id::text as "fileId", details from audit_events where action = 'file.download' and actor_id = ${alice.id} and file_id = any(${ids}::uuid[]) order by id`;
    expect(audited.map((r) => r.fileId).sort()).toEqual(files.map((f) => f.id).sort());
    for (const row of audited) expect(row.details).toMatchObject({ version: 1, status: 200, zip: true });
  });

  it("refuses what cannot be sent with a clear 4xx", async () => {
    const foreignOnly = await post(bob.session, { ids: [files[0].id] });
    expect(foreignOnly.status).toBe(404);
    expect((await foreignOnly.json()).error.code).toBe("not_found");

    const html = await apiUpload(alice.session, { name: "page.jpg", type: "image/jpeg", bytes: Buffer.from("<!doctype html><html><script>alert(1)</script></html>") });
    expect(await waitUntilProcessed(html.body.fileId)).toBe("rejected");
    const notReady = await post(alice.session, { ids: [html.body.fileId] });
    expect(notReady.status).toBe(409);
    expect((await notReady.json()).error.code).toBe("file_unavailable");
    const mixed = await post(alice.session, { ids: [html.body.fileId, files[0].id] });
    expect(mixed.status).toBe(200);
    expect(mixed.headers.get("x-framevault-skipped")).toBe(html.body.fileId);
    await mixed.arrayBuffer();

    // An admin may read every owner's files, but not more than BULK_DOWNLOAD_MAX_BYTES in one ZIP.
    const extra = await apiUpload(bob.session, { name: "big.jpg", type: "image/jpeg", bytes: fakeJpeg(3 * MiB) });
    expect(await waitUntilProcessed(extra.body.fileId)).toBe("ready");
    const admin = await adminSignIn();
    const tooBig = await post(admin, { ids: [...files.map((f) => f.id), extra.body.fileId] });
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.message).toMatch(/at most 32 MiB/);

    const tooMany = await post(alice.session, { ids: Array.from({ length: 501 }, () => randomUUID()) });
    expect(tooMany.status).toBe(400);
    const form = await alice.session.fetch("/api/v1/files/bulk-download", { method: "POST", body: `ids=${files[0].id}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(415);
  });

  it("lets go of storage when the client stops reading half-way", async () => {
    const res = await post(alice.session, { ids: files.map((f) => f.id) });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    // The server is still answering, and a whole archive still comes through.
    const again = await post(alice.session, { ids: files.slice(0, 2).map((f) => f.id) });
    expect(again.status).toBe(200);
    const bytes = Buffer.from(await again.arrayBuffer());
    expect(bytes.length).toBe(Number(again.headers.get("content-length")));
    expect(bytes.subarray(0, 4).toString("hex")).toBe("504b0304");
  });
});
