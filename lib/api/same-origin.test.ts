import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { adminSignIn, BASE_URL, newUser } from "@/scripts/testing/client";
import { testSql } from "@/scripts/testing/backends";
import { makeJpeg } from "@/scripts/testing/fixtures";

const MiB = 1024 * 1024;
const userCount = async (email: string) => (await testSql()`select count(*)::int as n from users where email = ${email}`)[0].n;

describe("cross-site writes with the session cookie", () => {
  it("a cross-site text/plain POST that would create a user while an admin is signed in is refused", async () => {
    const admin = await adminSignIn();
    const email = `csrf-${randomUUID().slice(0, 8)}@test.framevault.local`;
    const body = JSON.stringify({ email, password: "attacker-password-1", name: "Mallory", role: "admin" });
    // What a form on another site submits: text/plain, the other site's Origin, the admin's cookie.
    const res = await fetch(`${BASE_URL}/api/v1/users`, {
      method: "POST",
      headers: { cookie: admin.cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      body,
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: "cross_origin_request", message: expect.any(String), requestId: expect.any(String) } });
    // No Origin at all is refused too, and a same-origin text/plain body is not read as JSON.
    const bare = await fetch(`${BASE_URL}/api/v1/users`, { method: "POST", headers: { cookie: admin.cookie, "content-type": "application/json" }, body });
    expect(bare.status).toBe(403);
    const plain = await admin.fetch("/api/v1/users", { method: "POST", headers: { "content-type": "text/plain" }, body });
    expect(plain.status).toBe(415);
    expect((await plain.json()).error.code).toBe("unsupported_media_type");
    expect(await userCount(email)).toBe(0);
    // The same request from the app's own page goes through.
    const own = await fetch(`${BASE_URL}/api/v1/users`, { method: "POST", headers: { cookie: admin.cookie, "sec-fetch-site": "same-origin", "content-type": "application/json" }, body });
    expect(own.status).toBe(201);
    expect(await userCount(email)).toBe(1);
  });

  it("covers multipart uploads and deletes, and leaves Bearer keys alone", async () => {
    const owner = await newUser();
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(await makeJpeg())], { type: "image/jpeg" }), "x.jpg");
    const upload = await fetch(`${BASE_URL}/api/v1/files/upload`, { method: "POST", headers: { cookie: owner.session.cookie, origin: "https://evil.example" }, body: form });
    expect(upload.status).toBe(403);
    const [{ n }] = await testSql()`select count(*)::int as n from files where owner_id = ${owner.id}`;
    expect(n).toBe(0);

    const key = await owner.session.json("/api/v1/api-keys", { method: "POST", body: { name: "cam", scopes: ["files:read", "files:write"] } });
    expect(key.status).toBe(201);
    const viaKey = await fetch(`${BASE_URL}/api/v1/files/upload`, { method: "POST", headers: { authorization: `Bearer ${key.body.secret}`, origin: "https://evil.example" }, body: form });
    expect(viaKey.status).toBe(201);
    const { fileId } = await viaKey.json();
    const del = await fetch(`${BASE_URL}/api/v1/files/${fileId}`, { method: "DELETE", headers: { cookie: owner.session.cookie, origin: "https://evil.example" } });
    expect(del.status).toBe(403);
    // Reads need no Origin.
    expect((await fetch(`${BASE_URL}/api/v1/files/${fileId}`, { headers: { cookie: owner.session.cookie } })).status).toBe(200);
  });
});

describe("JSON bodies", () => {
  it("a 5 MiB body is refused with 413 in the envelope, with or without Content-Length", async () => {
    const admin = await adminSignIn();
    const huge = JSON.stringify({ email: "x@example.com", name: "x".repeat(5 * MiB), password: "long-enough-1" });
    const declared = await admin.json("/api/v1/users", { method: "POST", headers: { "content-type": "application/json" }, body: huge });
    expect(declared).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    // Small enough to read to its end: the connection stays usable.
    expect(declared.headers.get("connection")).not.toBe("close");

    // Streamed without a length: the server counts bytes and stops at the limit.
    const bytes = new TextEncoder().encode(huge);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      },
    });
    const streamed = await admin.fetch("/api/v1/users", { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error.code).toBe("payload_too_large");
    expect((await admin.json("/api/v1/users")).status).toBe(200);
  });

  it("is answered with 413 while the client is still sending: the server stops reading at the limit", async () => {
    const admin = await adminSignIn();
    // 2 MiB arrive, then the body never ends: a server that buffers the whole body would never answer.
    const prefix = new TextEncoder().encode(`{"name":"${"x".repeat(2 * MiB)}`);
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (offset < prefix.length) {
          controller.enqueue(prefix.subarray(offset, offset + 64 * 1024));
          offset += 64 * 1024;
          return;
        }
        await stalled;
        controller.close();
      },
    });
    const aborter = new AbortController();
    const res = await admin.fetch("/api/v1/users", { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half", signal: aborter.signal } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    release();
    aborter.abort();
  });
});
