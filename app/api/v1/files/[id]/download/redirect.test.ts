import { beforeAll, describe, expect, it } from "vitest";
import { presignedDownloadUrl } from "@/lib/files/download-redirect";
import { apiUpload, newUser } from "@/scripts/testing/client";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { fakeJpeg, sha256 } from "@/scripts/testing/fixtures";

const MiB = 1024 * 1024;
// Above DOWNLOAD_REDIRECT_MIN_BYTES (8 MiB by default), below the suite's MAX_UPLOAD_BYTES.
const LARGE = 9 * MiB;

let alice: Awaited<ReturnType<typeof newUser>>;
let bob: Awaited<ReturnType<typeof newUser>>;
let large: Buffer;
let largeId: string;
let small: Buffer;
let smallId: string;

async function upload(session: typeof alice.session, name: string, bytes: Buffer): Promise<string> {
  const res = await apiUpload(session, { name, type: "image/jpeg", bytes });
  expect(res.status).toBe(201);
  expect(await waitUntilProcessed(res.body.fileId)).toBe("ready");
  return res.body.fileId;
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([newUser(), newUser()]);
  large = fakeJpeg(LARGE);
  small = fakeJpeg(64 * 1024);
  [largeId, smallId] = await Promise.all([upload(alice.session, "Nachtaufnahme Tür 3.jpg", large), upload(alice.session, "lobby.jpg", small)]);
});

async function redirectAudits(fileId: string) {
  return testSql()`select details from audit_events where file_id = ${fileId} and action = 'file.download' and details->>'redirect' = 'true'`;
}

describe("GET /api/v1/files/{id}/download?redirect=true", () => {
  it("answers 302 to a presigned URL that serves the same bytes with the same Content-Disposition, and audits it", async () => {
    const res = await alice.session.fetch(`/api/v1/files/${smallId}/download?redirect=true`);
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const location = res.headers.get("location")!;
    expect(location).toMatch(/X-Amz-Expires=60/);
    const fromStorage = await fetch(location);
    expect(fromStorage.status).toBe(200);
    expect(sha256(Buffer.from(await fromStorage.arrayBuffer()))).toBe(sha256(small));
    expect(fromStorage.headers.get("content-type")).toBe("image/jpeg");
    const streamed = await alice.session.fetch(`/api/v1/files/${smallId}/download?redirect=false`);
    await streamed.arrayBuffer();
    expect(fromStorage.headers.get("content-disposition")).toBe(streamed.headers.get("content-disposition"));
    expect(fromStorage.headers.get("content-disposition")).toBe(`attachment; filename="lobby.jpg"; filename*=UTF-8''lobby.jpg`);

    const audits = await redirectAudits(smallId);
    expect(audits).toHaveLength(1);
    expect(audits[0].details).toMatchObject({ version: 1, status: 302, redirect: true });
  });

  it("encodes a non-ASCII name as the streamed download does, inline when asked", async () => {
    const res = await alice.session.fetch(`/api/v1/files/${largeId}/download?redirect=true&disposition=inline`);
    expect(res.status).toBe(302);
    const fromStorage = await fetch(res.headers.get("location")!);
    expect(fromStorage.headers.get("content-disposition")).toBe(`inline; filename="Nachtaufnahme T_r 3.jpg"; filename*=UTF-8''Nachtaufnahme%20T%C3%BCr%203.jpg`);
    expect(sha256(Buffer.from(await fromStorage.arrayBuffer()))).toBe(sha256(large));
  });

  it("is the default for a large file when a browser navigates, and redirect=false or an API client streams", async () => {
    const navigate = { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
    const browser = await alice.session.fetch(`/api/v1/files/${largeId}/download`, { headers: navigate });
    expect(browser.status).toBe(302);
    const video = await alice.session.fetch(`/api/v1/files/${largeId}/download`, { headers: { "sec-fetch-mode": "no-cors", "sec-fetch-dest": "video", range: "bytes=0-" } });
    expect(video.status).toBe(302);

    const forced = await alice.session.fetch(`/api/v1/files/${largeId}/download?redirect=false`, { headers: navigate });
    expect(forced.status).toBe(200);
    expect(forced.headers.get("content-length")).toBe(String(LARGE));
    expect(sha256(Buffer.from(await forced.arrayBuffer()))).toBe(sha256(large));
    const api = await alice.session.fetch(`/api/v1/files/${largeId}/download`);
    expect(api.status).toBe(200);
    await api.arrayBuffer();
    const smallInBrowser = await alice.session.fetch(`/api/v1/files/${smallId}/download`, { headers: navigate });
    expect(smallInBrowser.status).toBe(200);
    await smallInBrowser.arrayBuffer();
  });

  it("signs URLs that expire", async () => {
    const [version] = await testSql()`select object_key from file_versions where file_id = ${smallId}`;
    const url = await presignedDownloadUrl({ objectKey: version.object_key, filename: "lobby.jpg", mimeType: "image/jpeg", disposition: "attachment" }, 1);
    // Valid when signed, refused by S3 once its second has passed.
    expect((await fetch(url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_500));
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/AccessDenied|expired/i);
  });

  it("is a 404 for another user's file and a 409 for a file that is not servable, with no URL either way", async () => {
    const other = await bob.session.fetch(`/api/v1/files/${largeId}/download?redirect=true`);
    expect(other.status).toBe(404);
    expect(other.headers.get("location")).toBeNull();

    const held = await upload(alice.session, "held.jpg", fakeJpeg(4096));
    for (const status of ["quarantined", "rejected", "processing"]) {
      await testSql()`update files set status = ${status} where id = ${held}`;
      const res = await alice.session.fetch(`/api/v1/files/${held}/download?redirect=true`, { headers: { "sec-fetch-mode": "navigate" } });
      expect(res.status).toBe(409);
      expect(res.headers.get("location")).toBeNull();
      await res.arrayBuffer();
    }
    expect(await redirectAudits(held)).toHaveLength(0);
  });
});
