import { describe, expect, it } from "vitest";
import { adminSignIn, anonymous, newUser, signIn } from "@/scripts/testing/client";
import { testSql } from "@/scripts/testing/backends";

describe("/api/v1/users", () => {
  it("lets an admin create users that can then sign in", async () => {
    const admin = await adminSignIn();
    const email = `Someone-${Date.now()}@Test.framevault.local`;
    const res = await admin.json("/api/v1/users", { method: "POST", body: { email, password: "a-long-password", name: "Someone", role: "auditor" } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), email: email.toLowerCase(), name: "Someone", role: "auditor", disabled: false, createdAt: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain("password");
    const list = await admin.json("/api/v1/users");
    expect(list.body.users.map((u: { email: string }) => u.email)).toContain(email.toLowerCase());
    await expect(signIn(email, "a-long-password")).resolves.toBeTruthy();
    const [row] = await testSql()`select password_hash from users where email = ${email.toLowerCase()}`;
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const [audit] = await testSql()`select action from audit_events where action = 'user.create' and details->>'email' = ${email.toLowerCase()}`;
    expect(audit.action).toBe("user.create");
  });

  it("refuses duplicates, bad input and malformed JSON with 4xx envelopes", async () => {
    const admin = await adminSignIn();
    const body = { email: `dup-${Date.now()}@test.framevault.local`, password: "a-long-password", name: "Dup" };
    expect((await admin.json("/api/v1/users", { method: "POST", body })).status).toBe(201);
    const dup = await admin.json("/api/v1/users", { method: "POST", body });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("conflict");
    const bad = await admin.json("/api/v1/users", { method: "POST", body: { email: "nope", password: "short", name: "", role: "root" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    const malformed = await admin.json("/api/v1/users", { method: "POST", body: "{", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("invalid_json");
  });

  it("refuses users without the permission and visitors without a session", async () => {
    const { session } = await newUser("user");
    expect((await session.json("/api/v1/users")).status).toBe(403);
    expect((await session.json("/api/v1/users", { method: "POST", body: { email: "x@y.z", password: "a-long-password", name: "X" } })).status).toBe(403);
    expect((await anonymous.json("/api/v1/users")).status).toBe(401);
    expect((await anonymous.json("/api/v1/users", { method: "POST", body: {} })).status).toBe(401);
  });

  it("changes roles with an audit event, and a disabled user loses access at once", async () => {
    const admin = await adminSignIn();
    const target = await newUser("user");
    const promoted = await admin.json(`/api/v1/users/${target.id}`, { method: "PATCH", body: { role: "admin" } });
    expect(promoted.body.role).toBe("admin");
    expect((await target.session.json("/api/v1/users")).status).toBe(200);
    const [audit] = await testSql()`select details from audit_events where action = 'user.role_change' and details->>'userId' = ${target.id}`;
    expect(audit.details).toMatchObject({ from: "user", to: "admin" });
    await admin.json(`/api/v1/users/${target.id}`, { method: "PATCH", body: { disabled: true } });
    expect((await target.session.json("/api/v1/files")).status).toBe(401);
    await expect(signIn(target.email, target.password)).rejects.toThrow(/sign-in failed/);
  });
});
