import { beforeAll, describe, expect, it } from "vitest";
import { anonymous, apiUpload, BASE_URL, newUser, adminSignIn } from "@/scripts/testing/client";
import { auditActions, footprint, waitForStatus, waitUntilProcessed } from "@/scripts/testing/backends";
import { fakeJpeg, makeJpeg, makePng, sha256 } from "@/scripts/testing/fixtures";

const MAX = Number(process.env.MAX_UPLOAD_BYTES);

let alice: Awaited<ReturnType<typeof newUser>>;
let bob: Awaited<ReturnType<typeof newUser>>;
let jpeg: Buffer;
let fileId: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([newUser(), newUser()]);
  jpeg = await makeJpeg(320, 240);
  const res = await apiUpload(alice.session, { name: "entrance-cam.jpg", type: "image/jpeg", bytes: jpeg }, {
    category: "entrance",
    tags: "people,morning",
    metadata: JSON.stringify({ cameraId: "cam-7", siteId: "site-1", note: "door" }),
  });
  expect(res.status).toBe(201);
  fileId = res.body.fileId;
});

function expectEnvelope(body: any, code?: string) {
  expect(body).toEqual({ error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) } });
  if (code) expect(body.error.code).toBe(code);
}

describe("health", () => {
  it("reports database, object store, workflow engine and virus scanner up", async () => {
    const res = await fetch(`${BASE_URL}/api/health`);
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.status).toBe("ok");
    for (const part of ["database", "objectStore", "workflows", "virusScanner"]) expect(body.checks[part].ok).toBe(true);
  });
});

describe("POST /api/v1/files/upload", () => {
  it("answers with the spec's shape", async () => {
    const res = await apiUpload(alice.session, { name: "a.png", type: "image/png", bytes: await makePng() }, { tags: '["x","y"]' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      fileId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      filename: "a.png",
      size: expect.any(Number),
      mimeType: "image/png",
      url: `${BASE_URL}/api/v1/files/${res.body.fileId}/download`,
      metadata: {},
      uploadedAt: expect.any(String),
    });
  });

  it("refuses a disguised filename and stores nothing", async () => {
    // A raw body, so the hostile bytes reach the server exactly as written (FormData would escape some).
    const boundary = "----hostile";
    const name = '\u202epasswd"x".jpg';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name.replace(/"/g, "%22")}"\r\nContent-Type: image/jpeg\r\n\r\n`, "utf8"),
      jpeg,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const before = await footprint(alice.id);
    const res = await alice.session.fetch("/api/v1/files/upload", { method: "POST", body: new Uint8Array(body), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
    expect(res.status).toBe(400);
    expectEnvelope(await res.json(), "invalid_filename");
    expect(await footprint(alice.id)).toEqual(before);
  });

  it("keeps a name with non-ASCII letters, replaces what file systems cannot hold, and serves it safely", async () => {
    const res = await apiUpload(alice.session, { name: "Ảnh cổng|1.jpg", type: "image/jpeg", bytes: jpeg });
    expect(res.status).toBe(201);
    expect(res.body.filename).toBe("Ảnh cổng_1.jpg");
    await waitUntilProcessed(res.body.fileId);
    const dl = await alice.session.fetch(`/api/v1/files/${res.body.fileId}/download`);
    expect(dl.headers.get("content-disposition")).toBe(`attachment; filename="_nh c_ng_1.jpg"; filename*=UTF-8''%E1%BA%A2nh%20c%E1%BB%95ng_1.jpg`);
    await dl.arrayBuffer();
  });

  it("refuses a missing session with 401 in the error envelope", async () => {
    const res = await apiUpload(anonymous, { name: "a.jpg", type: "image/jpeg", bytes: jpeg });
    expect(res.status).toBe(401);
    expectEnvelope(res.body, "unauthorized");
  });

  it("refuses disallowed types and mismatched extensions, leaving nothing behind", async () => {
    const before = await footprint(alice.id);
    const exe = await apiUpload(alice.session, { name: "tool.exe", type: "application/x-msdownload", bytes: Buffer.from("MZ\x90\x00") });
    expect(exe.status).toBe(415);
    expectEnvelope(exe.body, "unsupported_media_type");
    const renamed = await apiUpload(alice.session, { name: "photo.exe", type: "image/jpeg", bytes: jpeg });
    expect(renamed.status).toBe(415);
    expect(await footprint(alice.id)).toEqual(before);
  });

  it("refuses an oversize file by its declared length with 413", async () => {
    const before = await footprint(alice.id);
    const res = await apiUpload(alice.session, { name: "big.jpg", type: "image/jpeg", bytes: fakeJpeg(MAX + 2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, "payload_too_large");
    expect(await footprint(alice.id)).toEqual(before);
  });

  it("refuses an oversize streamed body with no length, aborting the partial object", async () => {
    const before = await footprint(alice.id);
    const boundary = "----framevault-test";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="stream.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = fakeJpeg(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        if (sent > MAX + 1024 * 1024) {
          controller.enqueue(tail);
          controller.close();
          return;
        }
        controller.enqueue(chunk);
        sent += chunk.length;
      },
    });
    const res = await alice.session.fetch("/api/v1/files/upload", {
      method: "POST",
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      // @ts-expect-error Node's fetch needs duplex for a streamed request body
      duplex: "half",
    });
    expect(res.status).toBe(413);
    expectEnvelope(await res.json(), "payload_too_large");
    expect(await footprint(alice.id)).toEqual(before);
  });

  it("refuses malformed metadata JSON and a form without a file, leaving nothing behind", async () => {
    const before = await footprint(alice.id);
    const bad = await apiUpload(alice.session, { name: "a.jpg", type: "image/jpeg", bytes: jpeg }, { metadata: "{not json" });
    expect(bad.status).toBe(400);
    expectEnvelope(bad.body, "invalid_json");
    const form = new FormData();
    form.append("category", "x");
    const empty = await alice.session.json("/api/v1/files/upload", { method: "POST", body: form });
    expect(empty.status).toBe(400);
    expectEnvelope(empty.body, "file_missing");
    const notForm = await alice.session.json("/api/v1/files/upload", { method: "POST", body: { file: "x" } });
    expect(notForm.status).toBe(415);
    expect(await footprint(alice.id)).toEqual(before);
  });
});

describe("GET /api/v1/files/{id}", () => {
  it("returns full information in the spec's shape", async () => {
    const res = await alice.session.json(`/api/v1/files/${fileId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      fileId,
      filename: "entrance-cam.jpg",
      size: jpeg.length,
      mimeType: "image/jpeg",
      url: `${BASE_URL}/api/v1/files/${fileId}/download`,
      metadata: { cameraId: "cam-7", siteId: "site-1", note: "door" },
      tags: ["people", "morning"],
      category: "entrance",
      cameraId: "cam-7",
      siteId: "site-1",
      uploadedAt: expect.any(String),
      lastModified: expect.any(String),
      versions: [{ version: "1", size: jpeg.length, url: expect.stringContaining("version=1"), createdAt: expect.any(String), current: true }],
    });
    expect(res.body).toHaveProperty("checksum");
  });

  it("becomes ready once the upload workflow has run", async () => {
    const status = await waitForStatus(async () => (await alice.session.json(`/api/v1/files/${fileId}`)).body.status, "ready");
    expect(status).toBe("ready");
    expect(await auditActions(fileId)).toContain("file.processed");
  });

  it("hides another user's file as 404 and answers unknown or malformed ids clearly", async () => {
    const other = await bob.session.json(`/api/v1/files/${fileId}`);
    expect(other.status).toBe(404);
    expectEnvelope(other.body, "not_found");
    expect((await alice.session.json(`/api/v1/files/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    const malformed = await alice.session.json(`/api/v1/files/not-a-uuid`);
    expect(malformed.status).toBe(400);
    expectEnvelope(malformed.body, "validation_failed");
    expect((await anonymous.json(`/api/v1/files/${fileId}`)).status).toBe(401);
  });

  it("lets an admin see every owner's file", async () => {
    const admin = await adminSignIn();
    expect((await admin.json(`/api/v1/files/${fileId}`)).status).toBe(200);
  });
});

describe("GET /api/v1/files", () => {
  let carol: Awaited<ReturnType<typeof newUser>>;
  beforeAll(async () => {
    carol = await newUser();
    const uploads = [
      { name: "b-gate.jpg", category: "gate", tags: "car", size: 300 },
      { name: "a-lobby.jpg", category: "lobby", tags: "people", size: 100 },
      { name: "c-lobby.png", category: "lobby", tags: "people,night", size: 0 },
    ];
    for (const u of uploads) {
      const bytes = u.name.endsWith(".png") ? await makePng() : fakeJpeg(u.size);
      const res = await apiUpload(carol.session, { name: u.name, type: u.name.endsWith(".png") ? "image/png" : "image/jpeg", bytes }, { category: u.category, tags: u.tags });
      expect(res.status).toBe(201);
      // Processing moves lastModified; the sort tests want it settled.
      await waitUntilProcessed(res.body.fileId);
    }
  });

  const names = (body: any) => body.files.map((f: any) => f.filename);

  it("lists only the caller's files with the spec's pagination", async () => {
    const res = await carol.session.json("/api/v1/files");
    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({ page: 1, limit: 24, total: 3, totalPages: 1, totalExact: true, nextCursor: null });
    expect(res.body.files[0]).toMatchObject({ fileId: expect.any(String), filename: expect.any(String), size: expect.any(Number), mimeType: expect.any(String), url: expect.any(String), category: expect.any(String), tags: expect.any(Array), uploadedAt: expect.any(String) });
    expect(names((await bob.session.json("/api/v1/files")).body)).not.toContain("b-gate.jpg");
  });

  it("filters by category, tags, mime type and name", async () => {
    expect(names((await carol.session.json("/api/v1/files?category=lobby")).body).sort()).toEqual(["a-lobby.jpg", "c-lobby.png"]);
    expect(names((await carol.session.json("/api/v1/files?tags=people&tags=night")).body)).toEqual(["c-lobby.png"]);
    expect(names((await carol.session.json("/api/v1/files?tags=people,night")).body)).toEqual(["c-lobby.png"]);
    expect(names((await carol.session.json("/api/v1/files?mimeType=image/png")).body)).toEqual(["c-lobby.png"]);
    expect((await carol.session.json("/api/v1/files?mimeType=image/")).body.pagination.total).toBe(3);
    expect(names((await carol.session.json("/api/v1/files?q=GATE")).body)).toEqual(["b-gate.jpg"]);
    expect((await carol.session.json("/api/v1/files?q=%25")).body.pagination.total).toBe(0);
  });

  it("sorts and pages", async () => {
    expect(names((await carol.session.json("/api/v1/files?sortBy=name&sortOrder=asc")).body)).toEqual(["a-lobby.jpg", "b-gate.jpg", "c-lobby.png"]);
    const bySize = (await carol.session.json("/api/v1/files?sortBy=size&sortOrder=desc")).body.files.map((f: any) => f.size);
    expect(bySize).toEqual([...bySize].sort((a: number, b: number) => b - a));
    const page2 = await carol.session.json("/api/v1/files?sortBy=name&sortOrder=asc&limit=2&page=2");
    expect(names(page2.body)).toEqual(["c-lobby.png"]);
    expect(page2.body.pagination).toMatchObject({ page: 2, limit: 2, total: 3, totalPages: 2, nextCursor: null });
  });

  it("pages by cursor through every sort and order, each file once, in the same order as page paging", async () => {
    for (const sortBy of ["name", "size", "uploadedAt", "lastModified"]) {
      for (const sortOrder of ["asc", "desc"]) {
        const all = names((await carol.session.json(`/api/v1/files?sortBy=${sortBy}&sortOrder=${sortOrder}`)).body);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res: any = await carol.session.json(`/api/v1/files?sortBy=${sortBy}&sortOrder=${sortOrder}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
          expect(res.status).toBe(200);
          seen.push(...names(res.body));
          cursor = res.body.pagination.nextCursor;
        } while (cursor && seen.length < 10);
        expect(seen, `${sortBy} ${sortOrder}`).toEqual(all);
      }
    }
  });

  it("refuses a cursor that was not issued for this sort", async () => {
    const first = await carol.session.json("/api/v1/files?sortBy=name&limit=1");
    const wrongSort = await carol.session.json(`/api/v1/files?sortBy=size&cursor=${first.body.pagination.nextCursor}`);
    expect(wrongSort.status).toBe(400);
    expectEnvelope(wrongSort.body, "invalid_cursor");
    const garbage = await carol.session.json("/api/v1/files?cursor=bm90LWpzb24");
    expect(garbage.status).toBe(400);
    expectEnvelope(garbage.body, "invalid_cursor");
  });

  it("rejects bad query parameters with 400", async () => {
    const res = await carol.session.json("/api/v1/files?sortBy=owner&limit=100000");
    expect(res.status).toBe(400);
    expectEnvelope(res.body, "validation_failed");
  });
});

describe("GET /api/v1/files/{id}/download", () => {
  it("streams bit-identical bytes with the right headers", async () => {
    const res = await alice.session.fetch(`/api/v1/files/${fileId}/download`);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256(bytes)).toBe(sha256(jpeg));
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("content-length")).toBe(String(jpeg.length));
    expect(res.headers.get("content-disposition")).toContain('filename="entrance-cam.jpg"');
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f-]{36}"$/);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
  });

  it("serves ranges with 206 and refuses unsatisfiable ones with 416", async () => {
    const part = await alice.session.fetch(`/api/v1/files/${fileId}/download`, { headers: { range: "bytes=10-109" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-109/${jpeg.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(jpeg.subarray(10, 110))).toBe(true);
    const suffix = await alice.session.fetch(`/api/v1/files/${fileId}/download`, { headers: { range: "bytes=-50" } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(jpeg.subarray(jpeg.length - 50))).toBe(true);
    const beyond = await alice.session.fetch(`/api/v1/files/${fileId}/download`, { headers: { range: `bytes=${jpeg.length + 10}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${jpeg.length}`);
    expectEnvelope(await beyond.json(), "range_not_satisfiable");
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    const first = await alice.session.fetch(`/api/v1/files/${fileId}/download`);
    await first.arrayBuffer();
    const etag = first.headers.get("etag")!;
    const again = await alice.session.fetch(`/api/v1/files/${fileId}/download`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    const changed = await alice.session.fetch(`/api/v1/files/${fileId}/download`, { headers: { "if-none-match": '"other"' } });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });

  it("downloads a version by number and refuses unknown versions", async () => {
    const v1 = await alice.session.fetch(`/api/v1/files/${fileId}/download?version=1`);
    expect(sha256(Buffer.from(await v1.arrayBuffer()))).toBe(sha256(jpeg));
    expect((await alice.session.json(`/api/v1/files/${fileId}/download?version=9`)).status).toBe(404);
  });

  it("is a 404 for another user and a 401 without a session", async () => {
    const other = await bob.session.json(`/api/v1/files/${fileId}/download`);
    expect(other.status).toBe(404);
    expectEnvelope(other.body, "not_found");
    expect((await anonymous.json(`/api/v1/files/${fileId}/download`)).status).toBe(401);
  });
});

describe("DELETE /api/v1/files/{id}", () => {
  it("refuses another user (404) and no session (401)", async () => {
    expect((await bob.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" })).status).toBe(404);
    expect((await anonymous.json(`/api/v1/files/${fileId}`, { method: "DELETE" })).status).toBe(401);
    expect((await alice.session.json(`/api/v1/files/${fileId}`)).status).toBe(200);
  });

  it("moves the file to the trash with the spec's response and audits every step", async () => {
    const res = await alice.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: expect.stringContaining("trash"), deletedAt: expect.any(String) });
    expect((await alice.session.json(`/api/v1/files/${fileId}`)).status).toBe(404);
    expect((await alice.session.json(`/api/v1/files/${fileId}/download`)).status).toBe(404);
    expect((await alice.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" })).status).toBe(404);
    const list = await alice.session.json("/api/v1/files");
    expect(list.body.files.map((f: any) => f.fileId)).not.toContain(fileId);
    const actions = await auditActions(fileId);
    expect(actions[0]).toBe("file.upload");
    expect(actions).toContain("file.download");
    expect(actions.at(-1)).toBe("file.delete");
  });
});
