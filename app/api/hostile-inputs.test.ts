import { randomUUID } from "node:crypto";
// A corpus of hostile requests across every route. Each must get a 4xx (in the one error envelope when the
// app answers; S3's own refusal for presigned URLs), never a 5xx or a hang, must leave nothing behind in the
// bucket or the tables, and must leave the server answering.
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminSignIn, apiUpload, BASE_URL, newUser, sessionFromCookie, type Session } from "@/scripts/testing/client";
import { BUCKET, footprint, testS3, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { makeJpeg, makePng } from "@/scripts/testing/fixtures";

const MiB = 1024 * 1024;
const MAX = Number(process.env.MAX_UPLOAD_BYTES);

type User = Awaited<ReturnType<typeof newUser>>;
interface Case {
  name: string;
  /** Who sends it: a session, or "raw" for a request that carries its own credentials. */
  as: Session;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** Presigned S3 URLs are answered by S3, not by the app: no envelope there. */
  envelope?: boolean;
}

let admin: Session;
let users: User[];
let probe: User;
let fileId: string;
let webhookId: string;
let apiKey: string;
let expiredKey: string;
let revokedKey: string;
let pendingUpload: { uploadId: string; key: string };
const outcomes: { name: string; status: number; ok: boolean; detail: string }[] = [];

async function counts() {
  const s = testSql();
  const [row] = await s`select
    (select count(*)::int from users) as users,
    (select count(*)::int from api_keys) as api_keys,
    (select count(*)::int from webhook_endpoints) as webhooks,
    (select count(*)::int from upload_sessions where status = 'pending') as pending_sessions`;
  return row;
}
let before: { counts: Awaited<ReturnType<typeof counts>>; footprints: unknown[] };

function bearer(secret: string): Session {
  const base = sessionFromCookie("");
  return { ...base, fetch: (path, init = {}) => base.fetch(path, { ...init, headers: { authorization: secret, ...(init.headers as Record<string, string>) } }) };
}

beforeAll(async () => {
  admin = await adminSignIn();
  users = await Promise.all([newUser(), newUser(), newUser(), newUser()]);
  probe = await newUser();
  const alice = users[0];
  const up = await apiUpload(alice.session, { name: "target.png", type: "image/png", bytes: await makePng(64, 64) });
  expect(up.status).toBe(201);
  fileId = up.body.fileId;
  expect(await waitUntilProcessed(fileId)).toBe("ready");

  const hook = await admin.json("/api/v1/webhooks", { method: "POST", body: { url: "http://127.0.0.1:9/hook", events: ["file.ready"] } });
  expect(hook.status).toBe(201);
  webhookId = hook.body.id;
  // Only its routes are under test: it must not receive the suite's events.
  expect((await admin.json(`/api/v1/webhooks/${webhookId}`, { method: "PATCH", body: { active: false } })).status).toBe(200);

  const key = await alice.session.json("/api/v1/api-keys", { method: "POST", body: { name: "hostile", scopes: ["files:read", "files:write"] } });
  apiKey = key.body.secret;
  const soon = await alice.session.json("/api/v1/api-keys", { method: "POST", body: { name: "expiring", scopes: ["files:read"], expiresAt: new Date(Date.now() + 1500).toISOString() } });
  expiredKey = soon.body.secret;
  const revoked = await alice.session.json("/api/v1/api-keys", { method: "POST", body: { name: "revoked", scopes: ["files:read"] } });
  revokedKey = revoked.body.secret;
  expect((await alice.session.json(`/api/v1/api-keys/${revoked.body.id}`, { method: "DELETE" })).status).toBeLessThan(300);

  const created = await users[1].session.json("/api/uploads", { method: "POST", body: { filename: "reserved.jpg", size: 1000, mimeType: "image/jpeg" } });
  expect(created.status).toBe(201);
  pendingUpload = created.body;
  await new Promise((r) => setTimeout(r, 1600)); // let the short-lived key expire
  before = { counts: await counts(), footprints: await Promise.all(users.map((u) => footprint(u.id))) };
});

afterAll(async () => {
  await admin?.json(`/api/v1/webhooks/${webhookId}`, { method: "DELETE" });
});

const json = (v: unknown) => JSON.stringify(v);
const JSON_HEADERS = { "content-type": "application/json" };

const hostileString = (v: unknown) => (typeof v === "string" ? `\u0000\u202e${v}\u0007` : v);

function badBodies(valid: Record<string, unknown>): { name: string; body: BodyInit; headers: Record<string, string> }[] {
  const deep = "[".repeat(200_000) + "]".repeat(200_000);
  return [
    { name: "truncated JSON", body: "{", headers: JSON_HEADERS },
    { name: "JSON array", body: "[]", headers: JSON_HEADERS },
    { name: "JSON null", body: "null", headers: JSON_HEADERS },
    { name: "JSON string", body: '"x"', headers: JSON_HEADERS },
    { name: "JSON number", body: "1e999", headers: JSON_HEADERS },
    { name: "empty body", body: "", headers: JSON_HEADERS },
    { name: "5 MiB JSON", body: json({ ...valid, padding: "x".repeat(5 * MiB) }), headers: JSON_HEADERS },
    { name: "deeply nested JSON", body: deep, headers: JSON_HEADERS },
    { name: "deeply nested metadata", body: `{"metadata":{"a":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`, headers: JSON_HEADERS },
    { name: "prototype pollution", body: '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}', headers: JSON_HEADERS },
    { name: "invalid UTF-8", body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), headers: JSON_HEADERS },
    { name: "text/plain body", body: json(valid), headers: { "content-type": "text/plain" } },
    { name: "form-encoded body", body: new URLSearchParams({ a: "1" }).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } },
    { name: "control characters in every string", body: json(Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, Array.isArray(v) ? v.map(hostileString) : hostileString(v)]))), headers: JSON_HEADERS },
  ];
}

function jsonRouteCases(): Case[] {
  const routes: { path: string; method: string; as: () => Session; valid: Record<string, unknown> }[] = [
    { path: "/api/uploads", method: "POST", as: () => users[0].session, valid: { filename: "a.jpg", size: 10, mimeType: "image/jpeg" } },
    { path: "/api/uploads/sign", method: "POST", as: () => users[1].session, valid: { method: "PUT", key: pendingUpload.key } },
    { path: "/api/v1/users", method: "POST", as: () => admin, valid: { email: "x@example.test", password: "password-123456", name: "X", role: "user" } },
    { path: `/api/v1/users/${users[0].id}`, method: "PATCH", as: () => admin, valid: { role: "user" } },
    { path: "/api/v1/api-keys", method: "POST", as: () => users[2].session, valid: { name: "k", scopes: ["files:read"] } },
    { path: "/api/v1/webhooks", method: "POST", as: () => admin, valid: { url: "http://127.0.0.1:9/x", events: ["file.ready"] } },
    { path: `/api/v1/webhooks/${webhookId}`, method: "PATCH", as: () => admin, valid: { url: "http://127.0.0.1:9/y" } },
    { path: "/api/v1/files/bulk", method: "POST", as: () => users[0].session, valid: { action: "tag", ids: [fileId], tags: ["x"] } },
    { path: "/api/v1/files/bulk-download", method: "POST", as: () => users[0].session, valid: { ids: [fileId] } },
    { path: `/api/v1/files/${fileId}/retrievals`, method: "POST", as: () => users[0].session, valid: { tier: "standard", days: 1 } },
    { path: "/api/v1/lifecycle/runs", method: "POST", as: () => admin, valid: { kind: "archive" } },
    // No such run: a body that parses reaches the lookup and is a 404; every other one is refused before it.
    { path: `/api/v1/lifecycle/runs/${randomUUID()}/delete-orphans`, method: "POST", as: () => admin, valid: { keys: ["originals/x"] } },
    { path: "/api/v1/legal-holds", method: "POST", as: () => admin, valid: { reason: "litigation", scope: { cameraId: "cam-hostile" } } },
  ];
  return routes.flatMap((r) => badBodies(r.valid).map((b) => ({ name: `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, "{id}")}: ${b.name}`, as: r.as(), method: r.method, path: r.path, headers: b.headers, body: b.body })));
}

const BAD_IDS = [
  "not-a-uuid",
  "00000000-0000-0000-0000-000000000000",
  "..%2F..%2Fetc%2Fpasswd",
  "%00",
  "'%20OR%201%3D1--",
  "a".repeat(2000),
  "%E2%80%AEfdp.exe",
  "12345678-1234-1234-1234-1234567890ABCDEF",
];

function idRouteCases(): Case[] {
  const routes: { method: string; path: (id: string) => string; as: () => Session; body?: string }[] = [
    { method: "GET", path: (id) => `/api/v1/files/${id}`, as: () => users[0].session },
    { method: "DELETE", path: (id) => `/api/v1/files/${id}`, as: () => users[0].session },
    { method: "GET", path: (id) => `/api/v1/files/${id}/download`, as: () => users[0].session },
    { method: "GET", path: (id) => `/api/v1/files/${id}/audit-events`, as: () => users[0].session },
    { method: "GET", path: (id) => `/api/v1/files/${id}/lifecycle`, as: () => users[0].session },
    { method: "PATCH", path: (id) => `/api/v1/users/${id}`, as: () => admin, body: json({ role: "user" }) },
    { method: "DELETE", path: (id) => `/api/v1/api-keys/${id}`, as: () => users[0].session },
    { method: "PATCH", path: (id) => `/api/v1/webhooks/${id}`, as: () => admin, body: json({ enabled: false }) },
    { method: "DELETE", path: (id) => `/api/v1/webhooks/${id}`, as: () => admin },
    { method: "DELETE", path: (id) => `/api/v1/legal-holds/${id}`, as: () => admin },
    { method: "GET", path: (id) => `/api/v1/webhooks/${id}/deliveries`, as: () => admin },
    { method: "POST", path: (id) => `/api/v1/jobs/${id}/retry`, as: () => admin },
    { method: "POST", path: (id) => `/api/uploads/${id}/complete`, as: () => users[0].session },
    { method: "DELETE", path: (id) => `/api/uploads/${id}`, as: () => users[0].session },
    { method: "GET", path: (id) => `/api/uploads/${id}/parts`, as: () => users[0].session },
    // Event ids are the edge box's own strings, not UUIDs: each of these is refused or simply not found.
    { method: "GET", path: (id) => `/api/v1/events/${id}`, as: () => users[0].session },
  ];
  return routes.flatMap((r) =>
    BAD_IDS.map((id) => ({
      name: `${r.method} ${r.path("{id}")} with id ${JSON.stringify(id.length > 40 ? `${id.slice(0, 12)}…(${id.length})` : id)}`,
      as: r.as(),
      method: r.method,
      path: r.path(id),
      ...(r.body ? { body: r.body, headers: JSON_HEADERS } : {}),
    })),
  );
}

function queryCases(): Case[] {
  const list = [
    "page=-1", "page=0", "page=NaN", "page=1e309", "page=99999999999", "limit=0", "limit=-5", "limit=1000000", "limit=abc",
    "sortBy=password", "sortOrder=sideways", "capturedFrom=yesterday", "capturedTo=2026-13-45T99:99:99Z", "mimeType=../../etc",
    `q=${"x".repeat(10_000)}`, `tags=${Array.from({ length: 10_000 }, (_, i) => `t${i}`).join(",")}`, "status=deleted",
    "category=%00evil", "tags=%E2%80%AEgpj", "cameraId=" + "c".repeat(5000),
    "eventId=" + "e".repeat(5000), "eventId=%E2%80%AEgpj", "eventId=a%2Fb",
  ].map((q) => ({ name: `GET /api/v1/files?${q.slice(0, 40)}`, as: users[0].session, method: "GET", path: `/api/v1/files?${q}` }));
  const audit = ["limit=-1", "limit=100000", "cursor=abc", "page=0", "page=99999999999", "from=not-a-date", "outcome=maybe"].map((q) => ({
    name: `GET /api/v1/audit-events?${q}`, as: admin, method: "GET", path: `/api/v1/audit-events?${q}`,
  }));
  const jobs = ["limit=-1", "status=exploded"].map((q) => ({ name: `GET /api/v1/jobs?${q}`, as: admin, method: "GET", path: `/api/v1/jobs?${q}` }));
  return [...list, ...audit, ...jobs];
}

function downloadCases(): Case[] {
  const d = () => `/api/v1/files/${fileId}/download`;
  const ranges = ["bytes=999999999-", "bytes=-0", "bytes=99999999999999999999999-", "bytes=5000000-6000000", "bytes=18446744073709551616-"];
  const queries = ["version=0", "version=-1", "version=abc", "version=99", "format=bmp", "format=svg", "quality=0", "quality=101", "quality=abc",
    "variant=../../secret", "disposition=evil", "format=avif&quality=37"];
  return [
    ...ranges.map((range) => ({ name: `download with Range ${range}`, as: users[0].session, method: "GET", path: d(), headers: { range } })),
    ...queries.map((q) => ({ name: `download ?${q}`, as: users[0].session, method: "GET", path: `${d()}?${q}` })),
  ];
}

/** A multipart/form-data body written by hand, so hostile bytes reach the server exactly as written. */
function form(parts: { name: string; filename?: string; type?: string; value: string | Buffer }[], boundary = "----hostile") {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ""}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n`, "utf8"));
    chunks.push(typeof p.value === "string" ? Buffer.from(p.value, "utf8") : p.value);
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(chunks)), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

function apiUploadCases(jpeg: Buffer): Case[] {
  const file = (filename: string, type = "image/jpeg", value: Buffer = jpeg) => ({ name: "file", filename, type, value });
  const bodies: { name: string; form: ReturnType<typeof form> }[] = [
    { name: "RTL override in filename", form: form([file("\u202egpj.exe")]) },
    { name: "control characters in filename", form: form([file("a\u0001\u0007b.jpg")]) },
    { name: "path in filename", form: form([file("../../etc/cron.d/x.jpg")]) },
    { name: "backslash path in filename", form: form([file("..\\..\\boot.ini.jpg")]) },
    { name: "empty filename", form: form([file("")]) },
    { name: "dots-only filename", form: form([file("...")]) },
    { name: "300-byte filename", form: form([file(`${"n".repeat(300)}.jpg`)]) },
    { name: "10 000 tags", form: form([{ name: "tags", value: Array.from({ length: 10_000 }, (_, i) => `t${i}`).join(",") }, file("a.jpg")]) },
    { name: "RTL in a tag", form: form([{ name: "tags", value: "ok,\u202etxt.exe" }, file("a.jpg")]) },
    { name: "path separator in a tag", form: form([{ name: "tags", value: "../../etc" }, file("a.jpg")]) },
    { name: "1 MiB metadata", form: form([{ name: "metadata", value: json({ blob: "m".repeat(MiB) }) }, file("a.jpg")]) },
    { name: "malformed metadata JSON", form: form([{ name: "metadata", value: "{nope" }, file("a.jpg")]) },
    { name: "metadata that is an array", form: form([{ name: "metadata", value: "[1,2]" }, file("a.jpg")]) },
    { name: "control characters in category", form: form([{ name: "category", value: "door\u0000" }, file("a.jpg")]) },
    { name: "checksum that is not hex", form: form([{ name: "checksum", value: "z".repeat(64) }, file("a.jpg")]) },
    { name: "declared SVG", form: form([file("x.svg", "image/svg+xml", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))]) },
    { name: "declared HTML", form: form([file("x.html", "text/html", Buffer.from("<script>alert(1)</script>"))]) },
    { name: "an executable", form: form([file("x.exe", "application/octet-stream", Buffer.from("MZ\x90\x00"))]) },
    { name: "no file part", form: form([{ name: "category", value: "door" }]) },
    { name: "two file parts", form: form([file("a.jpg"), file("b.jpg")]) },
    { name: "empty file", form: form([file("empty.jpg", "image/jpeg", Buffer.alloc(0))]) },
    { name: "file over the size limit", form: form([file("big.jpg", "image/jpeg", Buffer.alloc(MAX + 1, 0xff))]) },
  ];
  const cases: Case[] = bodies.map((b, i) => ({ name: `POST /api/v1/files/upload: ${b.name}`, as: users[i % users.length].session, method: "POST", path: "/api/v1/files/upload", ...b.form }));
  const truncated = form([file("a.jpg")]);
  cases.push(
    { name: "POST /api/v1/files/upload: truncated multipart body", as: users[0].session, method: "POST", path: "/api/v1/files/upload", headers: truncated.headers, body: truncated.body.subarray(0, truncated.body.length - 40) },
    { name: "POST /api/v1/files/upload: multipart without a boundary", as: users[1].session, method: "POST", path: "/api/v1/files/upload", headers: { "content-type": "multipart/form-data" }, body: "x" },
    { name: "POST /api/v1/files/upload: JSON instead of a form", as: users[2].session, method: "POST", path: "/api/v1/files/upload", headers: JSON_HEADERS, body: json({ file: "x" }) },
  );
  return cases;
}

function browserUploadCases(): Case[] {
  const start = (name: string, body: Record<string, unknown>, i: number): Case => ({ name: `POST /api/uploads: ${name}`, as: users[i % users.length].session, method: "POST", path: "/api/uploads", headers: JSON_HEADERS, body: json(body) });
  const sign = (name: string, body: Record<string, unknown>): Case => ({ name: `POST /api/uploads/sign: ${name}`, as: users[1].session, method: "POST", path: "/api/uploads/sign", headers: JSON_HEADERS, body: json(body) });
  return [
    start("negative size", { filename: "a.jpg", size: -1, mimeType: "image/jpeg" }, 0),
    start("huge size", { filename: "a.jpg", size: 1e20, mimeType: "image/jpeg" }, 1),
    start("size over the limit", { filename: "a.jpg", size: MAX + 1, mimeType: "image/jpeg" }, 2),
    start("fractional size", { filename: "a.jpg", size: 10.5, mimeType: "image/jpeg" }, 3),
    start("RTL filename", { filename: "\u202egpj.exe", size: 10, mimeType: "image/jpeg" }, 0),
    start("path filename", { filename: "../../x.jpg", size: 10, mimeType: "image/jpeg" }, 1),
    start("SVG", { filename: "x.svg", size: 10, mimeType: "image/svg+xml" }, 2),
    start("HTML disguised by type", { filename: "x.jpg", size: 10, mimeType: "text/html" }, 3),
    start("10 000 tags", { filename: "a.jpg", size: 10, mimeType: "image/jpeg", tags: Array.from({ length: 10_000 }, (_, i) => `t${i}`) }, 0),
    start("1 MiB metadata", { filename: "a.jpg", size: 10, mimeType: "image/jpeg", metadata: { blob: "m".repeat(MiB) } }, 1),
    sign("another user's key", { method: "PUT", key: `originals/${fileId}/x` }),
    sign("unknown key", { method: "PUT", key: "originals/00000000-0000-0000-0000-000000000000/x" }),
    sign("part number 0", { method: "PUT", key: pendingUpload.key, uploadId: "x", partNumber: 0 }),
    sign("part number 10001", { method: "PUT", key: pendingUpload.key, uploadId: "x", partNumber: 10001 }),
    sign("multipart on a single upload", { method: "POST", key: pendingUpload.key }),
    sign("unknown method", { method: "PATCH", key: pendingUpload.key }),
  ];
}

function apiKeyCases(): Case[] {
  const tampered = apiKey.slice(0, -1) + (apiKey.endsWith("a") ? "b" : "a");
  return [
    ["tampered key", `Bearer ${tampered}`],
    ["expired key", `Bearer ${expiredKey}`],
    ["revoked key", `Bearer ${revokedKey}`],
    ["malformed key", "Bearer fvk_"],
    ["empty bearer", "Bearer "],
    ["basic auth", `Basic ${Buffer.from("admin:admin").toString("base64")}`],
    ["4 KiB key", `Bearer fvk_${"k".repeat(4096)}`],
    ["key with control characters", `Bearer ${apiKey}\u0001`.replace(/[^\x20-\x7e]/g, "%01")],
  ].map(([name, authorization]) => ({ name: `GET /api/v1/files with ${name}`, as: bearer(authorization), method: "GET", path: "/api/v1/files" }));
}

async function send(c: Case): Promise<void> {
  const url = c.path.startsWith("http") ? c.path : c.path;
  let status = 0;
  let detail = "";
  try {
    const res = await c.as.fetch(url, { method: c.method, headers: c.headers, body: c.body, signal: AbortSignal.timeout(30_000) });
    status = res.status;
    const text = await res.text();
    detail = text.slice(0, 200);
    let enveloped = true;
    if (c.envelope !== false) {
      try {
        const body = JSON.parse(text);
        enveloped = typeof body?.error?.code === "string" && typeof body?.error?.message === "string" && Object.keys(body).length === 1;
      } catch {
        enveloped = false;
      }
    }
    outcomes.push({ name: c.name, status, ok: status >= 400 && status < 500 && status !== 429 && enveloped, detail });
  } catch (err) {
    outcomes.push({ name: c.name, status, ok: false, detail: `no answer: ${(err as Error).message} (${String((err as { cause?: { code?: string; message?: string } }).cause?.code ?? (err as { cause?: Error }).cause?.message)})` });
  }
}

async function stillAnswering(): Promise<boolean> {
  const res = await fetch(`${BASE_URL}/api/health/live`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
  return res?.status === 200;
}

describe("hostile inputs", () => {
  it("get a 4xx in the envelope, leave nothing behind, and never stop the server", async () => {
    const jpeg = await makeJpeg(64, 48);
    const cases = [...jsonRouteCases(), ...idRouteCases(), ...queryCases(), ...downloadCases(), ...apiUploadCases(jpeg), ...browserUploadCases(), ...apiKeyCases()];
    let orphans = (await footprint(users[0].id)).orphanObjects;
    for (const [i, c] of cases.entries()) {
      await send(c);
      if (c.path.includes("upload")) {
        const now = (await footprint(users[0].id)).orphanObjects;
        if (now !== orphans) outcomes.push({ name: `${c.name} (storage)`, status: 0, ok: false, detail: `left ${now - orphans} object(s) no row owns` });
        orphans = now;
      }
      if (i % 25 === 0) expect(await stillAnswering(), `server stopped answering after "${c.name}"`).toBe(true);
    }

    // Presigned URLs are answered by S3: tampered, expired and over-long writes are refused there.
    const signed = await users[1].session.json("/api/uploads/sign", { method: "POST", body: { method: "PUT", key: pendingUpload.key } });
    expect(signed.status).toBe(200);
    const url = new URL(signed.body.url);
    const tampered = new URL(url);
    tampered.searchParams.set("X-Amz-Signature", "0".repeat(64));
    const expired = await getSignedUrl(testS3(), new PutObjectCommand({ Bucket: BUCKET, Key: pendingUpload.key }), { expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) });
    const s3Cases: [string, string, Uint8Array<ArrayBuffer>][] = [
      ["PUT to a tampered presigned URL", tampered.toString(), new Uint8Array(1000)],
      ["PUT to an expired presigned URL", expired, new Uint8Array(1000)],
      ["PUT of more bytes than reserved", url.toString(), new Uint8Array(5000)],
      ["PUT to a presigned URL for another key", url.toString().replace(pendingUpload.key, `${pendingUpload.key}-other`), new Uint8Array(1000)],
    ];
    for (const [name, target, bytes] of s3Cases) {
      const { "content-length": _signedLength, ...headers } = signed.body.headers as Record<string, string>;
      const res = await fetch(target, { method: "PUT", body: new Blob([bytes]), headers, signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      outcomes.push({ name, status: res.status, ok: res.status >= 400 && res.status < 500, detail: "" });
    }
    const head = await testS3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: pendingUpload.key })).catch((err) => err.$metadata?.httpStatusCode);
    outcomes.push({ name: "no object at the reserved key after refused writes", status: 0, ok: head === 404, detail: head === 404 ? "" : "an object was stored" });

    const failures = outcomes.filter((o) => !o.ok);
    const fiveHundreds = outcomes.filter((o) => o.status >= 500).length;
    expect(await stillAnswering()).toBe(true);
    const after = { counts: await counts(), footprints: await Promise.all(users.map((u) => footprint(u.id))) };
    const leftBehind = JSON.stringify(after) === JSON.stringify(before) ? 0 : 1;
    console.log(`hostile inputs: ${outcomes.length} tried, ${fiveHundreds} 5xx, ${leftBehind} left behind`);
    expect(failures, failures.map((f) => `${f.name} → ${f.status} ${f.detail}`).join("\n")).toEqual([]);
    expect(after).toEqual(before);
    expect(outcomes.length).toBeGreaterThanOrEqual(200);
  });

  it("refuses hostile content after upload: pixel bomb, script SVG, HTML, truncated JPEG and MP4 are never served", async () => {
    const bomb = await sharp({ create: { width: 16_000, height: 16_000, channels: 3, background: "#000" } }).png({ compressionLevel: 9 }).toBuffer();
    const jpeg = await makeJpeg(640, 480);
    const mp4Header = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypisom"), Buffer.alloc(12), Buffer.from([0, 0, 0x10, 0]), Buffer.from("mdat")]);
    const inputs: [string, string, Buffer][] = [
      ["bomb.png", "image/png", bomb],
      ["script.png", "image/png", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>')],
      ["page.jpg", "image/jpeg", Buffer.from("<!doctype html><html><script>alert(1)</script></html>")],
      ["cut.jpg", "image/jpeg", jpeg.subarray(0, Math.floor(jpeg.length / 3))],
      ["cut.mp4", "video/mp4", mp4Header],
    ];
    for (const [name, type, bytes] of inputs) {
      const res = await apiUpload(probe.session, { name, type, bytes });
      if (res.status >= 400) {
        expect(res.status, name).toBeLessThan(500);
        continue;
      }
      expect(res.status).toBe(201);
      const status = await waitUntilProcessed(res.body.fileId, 120_000);
      expect(status, `${name} ended ${status}`).toMatch(/^(rejected|failed)$/);
      for (const q of ["", "?variant=thumbnail", "?format=webp&quality=75", "?disposition=inline"]) {
        const dl = await probe.session.fetch(`/api/v1/files/${res.body.fileId}/download${q}`);
        const body = await dl.json();
        expect(dl.status, `${name}${q}`).toBeGreaterThanOrEqual(400);
        expect(dl.status, `${name}${q}`).toBeLessThan(500);
        expect(body.error.code).toEqual(expect.any(String));
      }
    }
    const left = await footprint(probe.id);
    expect(left.orphanObjects).toBe(0);
    expect(left.pendingSessions).toBe(0);
  });
});
