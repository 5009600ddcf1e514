import { randomBytes, randomUUID, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newUser, signIn, signInAttempt } from "@/scripts/testing/client";
import { testSql } from "@/scripts/testing/backends";

const LIMIT = Number(process.env.RATE_LIMIT_SIGNIN_PER_15_MINUTES);
const randomIp = () => Array.from({ length: 4 }, () => 1 + Math.floor(Math.random() * 254)).join(".");

const attempt = signInAttempt;

const failures = async (email: string) =>
  (await testSql()`select count(*)::int as n from audit_events where action = 'auth.sign_in' and outcome = 'failure' and details->>'email' = ${email}`)[0].n;

describe("sign-in limit per account", () => {
  it("is not lifted by a new X-Forwarded-For on every attempt", async () => {
    const victim = await newUser();
    for (let i = 0; i < LIMIT; i++) {
      expect(await attempt(victim.email, "wrong", { "x-forwarded-for": randomIp(), "x-real-ip": randomIp() })).not.toContain("rate_limited");
    }
    for (let i = 0; i < 3; i++) {
      expect(await attempt(victim.email, victim.password, { "x-forwarded-for": randomIp() })).toContain("code=rate_limited");
    }
    // Another spelling of the same address is the same account.
    expect(await attempt(victim.email.toUpperCase(), victim.password)).toContain("code=rate_limited");
    expect(await failures(victim.email)).toBe(LIMIT);
  });

  it("lets exactly LIMIT of many parallel guesses reach the password check", async () => {
    const victim = await newUser();
    const results = await Promise.all(Array.from({ length: LIMIT * 4 }, () => attempt(victim.email, `guess-${randomUUID()}`, { "x-forwarded-for": randomIp() })));
    expect(results.filter((r) => r.includes("rate_limited"))).toHaveLength(LIMIT * 3);
    expect(await failures(victim.email)).toBe(LIMIT);
    expect(await attempt(victim.email, victim.password)).toContain("code=rate_limited");
  });

  it("forgets wrong passwords after a successful sign-in", async () => {
    const user = await newUser();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < LIMIT - 1; i++) expect(await attempt(user.email, "wrong")).not.toContain("rate_limited");
      expect(await attempt(user.email, user.password)).toBe("signed-in");
    }
  });
});

describe("password hashes", () => {
  it("are argon2id, and an old scrypt hash is replaced at the next sign-in", async () => {
    const fresh = await newUser();
    const [created] = await testSql()`select password_hash from users where id = ${fresh.id}`;
    expect(created.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const email = `legacy-${randomUUID().slice(0, 8)}@test.framevault.local`;
    const password = `pw-${randomUUID()}`;
    const salt = randomBytes(16);
    const legacy = ["scrypt", 16384, 8, 1, salt.toString("base64"), scryptSync(password, salt, 64, { N: 16384, r: 8, p: 1 }).toString("base64")].join("$");
    await testSql()`insert into users (email, name, role, password_hash) values (${email}, 'Legacy', 'user', ${legacy})`;
    await signIn(email, password);
    const [after] = await testSql()`select password_hash from users where email = ${email}`;
    expect(after.password_hash).toMatch(/^\$argon2id\$/);
    expect((await (await signIn(email, password)).json("/api/v1/files")).status).toBe(200);
  });
});
