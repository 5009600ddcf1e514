import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { adminSignIn, apiUpload, BASE_URL, newUser, sessionFromCookie, type Session } from "@/scripts/testing/client";
import { testSql } from "@/scripts/testing/backends";
import { makeJpeg } from "@/scripts/testing/fixtures";

/** A client that authenticates with nothing but `Authorization: Bearer <key>`. */
function keyClient(secret: string): Session {
  const base = sessionFromCookie("");
  return {
    ...base,
    fetch: (path, init = {}) => base.fetch(path, { ...init, headers: { authorization: `Bearer ${secret}`, ...(init.headers as Record<string, string>) } }),
    json: (path, init = {}) => base.json(path, { ...init, headers: { authorization: `Bearer ${secret}`, ...(init.headers as Record<string, string>) } }),
  };
}

let owner: Awaited<ReturnType<typeof newUser>>;
const secrets: string[] = [];

async function createKey(session: Session, body: Record<string, unknown>) {
  const res = await session.json("/api/v1/api-keys", { method: "POST", body });
  if (res.status === 201) secrets.push(res.body.secret);
  return res;
}

beforeAll(async () => {
  owner = await newUser();
});

describe("API keys", () => {
  it("are shown once, listed by prefix, and stored only as a hash", async () => {
    const res = await createKey(owner.session, { name: "edge box 1", scopes: ["files:read", "files:write"] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: "edge box 1", prefix: expect.stringMatching(/^fvk_/), scopes: ["files:read", "files:write"], secret: expect.stringMatching(/^fvk_/) });
    const list = await owner.session.json("/api/v1/api-keys");
    expect(list.body.apiKeys[0].prefix).toBe(res.body.prefix);
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    const [row] = await testSql()`select * from api_keys where id = ${res.body.id}`;
    expect(JSON.stringify(row)).not.toContain(res.body.secret.slice(13));
  });

  it("authenticate every /api/v1 route within their scopes", async () => {
    const readOnly = keyClient((await createKey(owner.session, { name: "reader", scopes: ["files:read"] })).body.secret);
    const writer = keyClient((await createKey(owner.session, { name: "writer", scopes: ["files:read", "files:write"] })).body.secret);
    const up = await apiUpload(writer, { name: "k.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    expect(up.status).toBe(201);
    expect((await owner.session.json(`/api/v1/files/${up.body.fileId}`)).status).toBe(200);
    expect((await readOnly.json(`/api/v1/files/${up.body.fileId}`)).status).toBe(200);
    const refused = await apiUpload(readOnly, { name: "k.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    expect((await readOnly.json(`/api/v1/files/${up.body.fileId}`, { method: "DELETE" })).status).toBe(403);
    expect((await writer.json("/api/v1/users")).status).toBe(403);
    const [audit] = await testSql()`select actor_type, details from audit_events where file_id = ${up.body.fileId} and action = 'file.upload'`;
    expect(audit.actor_type).toBe("apiKey");
    expect(audit.details.keyOwnerId).toBe(owner.id);
  });

  it("stop working when revoked or expired, and unknown or malformed keys get 401", async () => {
    const created = await createKey(owner.session, { name: "temp", scopes: ["files:read"] });
    const key = keyClient(created.body.secret);
    expect((await key.json("/api/v1/files")).status).toBe(200);
    const [used] = await testSql()`select last_used_at from api_keys where id = ${created.body.id}`;
    expect(used.last_used_at).not.toBeNull();
    expect((await owner.session.json(`/api/v1/api-keys/${created.body.id}`, { method: "DELETE" })).body.revokedAt).toEqual(expect.any(String));
    const revoked = await key.json("/api/v1/files");
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toMatch(/revoked/);

    const expiring = await createKey(owner.session, { name: "short", scopes: ["files:read"] });
    await testSql()`update api_keys set expires_at = now() - interval '1 second' where id = ${expiring.body.id}`;
    expect((await keyClient(expiring.body.secret).json("/api/v1/files")).status).toBe(401);
    expect((await keyClient("fvk_AAAAAAAA_" + "x".repeat(43)).json("/api/v1/files")).status).toBe(401);
    expect((await keyClient("not-a-key").json("/api/v1/files")).body).toEqual({ error: { code: "unauthorized", message: expect.any(String), requestId: expect.any(String) } });
  });

  it("cannot exceed the owner's role or be made for someone else by a non-admin", async () => {
    expect((await createKey(owner.session, { name: "x", scopes: ["audit:read"] })).status).toBe(403);
    expect((await createKey(owner.session, { name: "x", scopes: ["admin"] })).status).toBe(403);
    const other = await newUser();
    expect((await createKey(owner.session, { name: "x", scopes: ["files:read"], ownerId: other.id })).status).toBe(403);
    expect((await createKey(owner.session, { name: "x", scopes: ["nope"] })).status).toBe(400);
    expect((await other.session.json(`/api/v1/api-keys`)).body.apiKeys).toEqual([]);
  });

  it("limited to a camera, reach only that camera's files (others are 404) and stamp their uploads", async () => {
    const admin = await adminSignIn();
    const fleet = await newUser("system");
    const camA = keyClient((await createKey(admin, { name: "cam A", scopes: ["files:read", "files:write"], ownerId: fleet.id, cameraId: "cam-A" })).body.secret);
    const anyCam = keyClient((await createKey(admin, { name: "fleet", scopes: ["files:read", "files:write"], ownerId: fleet.id })).body.secret);
    const fromB = await apiUpload(anyCam, { name: "b.jpg", type: "image/jpeg", bytes: await makeJpeg() }, { metadata: JSON.stringify({ cameraId: "cam-B" }) });
    const fromA = await apiUpload(camA, { name: "a.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    expect(fromA.status).toBe(201);
    expect((await camA.json(`/api/v1/files/${fromA.body.fileId}`)).body.cameraId).toBe("cam-A");
    expect((await camA.json(`/api/v1/files/${fromB.body.fileId}`)).status).toBe(404);
    expect((await camA.json(`/api/v1/files/${fromB.body.fileId}/download`)).status).toBe(404);
    const listed = (await camA.json("/api/v1/files?limit=100")).body.files.map((f: { cameraId: string }) => f.cameraId);
    expect(new Set(listed)).toEqual(new Set(["cam-A"]));
    const wrongCamera = await apiUpload(camA, { name: "c.jpg", type: "image/jpeg", bytes: await makeJpeg() }, { metadata: JSON.stringify({ cameraId: "cam-B" }) });
    expect(wrongCamera.status).toBe(403);
    // A System account's unrestricted key reaches every owner's files.
    const someoneElses = await apiUpload(owner.session, { name: "u.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    expect((await anyCam.json(`/api/v1/files/${someoneElses.body.fileId}`)).status).toBe(200);
  });

  it("never writes a secret to the app's log", () => {
    const log = readFileSync(process.env.FRAMEVAULT_APP_LOG!, "utf8");
    expect(secrets.length).toBeGreaterThan(5);
    for (const s of secrets) expect(log).not.toContain(s);
    expect(BASE_URL).toBeTruthy();
  });
});
