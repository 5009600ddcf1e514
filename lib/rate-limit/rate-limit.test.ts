import { describe, expect, it } from "vitest";
import { newUser, signInAttempt } from "@/scripts/testing/client";
import { testSql } from "@/scripts/testing/backends";

describe("rate limits", () => {
  it("answer a user hammering the upload signing route with 429 and Retry-After, without touching other users", async () => {
    const [noisy, quiet] = await Promise.all([newUser(), newUser()]);
    const limit = Number(process.env.RATE_LIMIT_UPLOAD_PER_MINUTE);
    const sign = (s: typeof noisy.session) => s.fetch("/api/uploads/sign", { method: "POST", body: JSON.stringify({ method: "PUT", key: "originals/x/y" }), headers: { "content-type": "application/json" } });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i <= limit; i++) {
      const res = await sign(noisy.session);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(statuses.slice(0, limit).every((s) => s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited!.json()).toEqual({ error: { code: "rate_limited", message: expect.stringMatching(/try again/), requestId: expect.any(String) } });
    expect((await sign(quiet.session)).status).toBe(404);
    expect((await noisy.session.json("/api/v1/files")).status).toBe(200);
  });

  it("limit sign-in attempts per account and address, and audit the refusals", async () => {
    const victim = await newUser();
    const limit = Number(process.env.RATE_LIMIT_SIGNIN_PER_15_MINUTES);
    const attempt = (password: string) => signInAttempt(victim.email, password);
    for (let i = 0; i < limit; i++) expect(await attempt("wrong")).not.toContain("rate_limited");
    const refused = await attempt(victim.password);
    expect(refused).toContain("code=rate_limited");
    const [row] = await testSql()`select outcome, details from audit_events where action = 'auth.sign_in' and details->>'email' = ${victim.email} order by id desc limit 1`;
    expect(row).toMatchObject({ outcome: "denied", details: { reason: "rate_limited" } });
  });
});
