import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BASE_URL } from "@/scripts/testing/client";
import { testSql } from "@/scripts/testing/backends";
import { SOCKET_ADDRESS_HEADER, clientAddress, trustedProxyMatcher } from "./request-info";

const headers = (socket: string, xff?: string) =>
  new Headers({ [SOCKET_ADDRESS_HEADER]: socket, ...(xff ? { "x-forwarded-for": xff } : {}) });

describe("client address", () => {
  it("is the socket address when no proxy is trusted, whatever X-Forwarded-For says", () => {
    const none = trustedProxyMatcher([]);
    expect(clientAddress(headers("10.0.0.5", "203.0.113.7"), none)).toBe("10.0.0.5");
    expect(clientAddress(headers("::ffff:127.0.0.1", "203.0.113.7"), none)).toBe("127.0.0.1");
    expect(clientAddress(new Headers({ "x-forwarded-for": "203.0.113.7" }), none)).toBeNull();
  });

  it("walks X-Forwarded-For right to left over trusted proxies only", () => {
    const trusted = trustedProxyMatcher(["10.0.0.0/8", "192.0.2.1", "fd00::/8"]);
    // The client forged the leftmost entry; the trusted proxy appended the real peer.
    expect(clientAddress(headers("10.0.0.5", "6.6.6.6, 198.51.100.9"), trusted)).toBe("198.51.100.9");
    expect(clientAddress(headers("10.0.0.5", "6.6.6.6, 198.51.100.9, 10.1.2.3"), trusted)).toBe("198.51.100.9");
    expect(clientAddress(headers("192.0.2.1", "2001:db8::1"), trusted)).toBe("2001:db8::1");
    expect(clientAddress(headers("fd00::2", "198.51.100.9"), trusted)).toBe("198.51.100.9");
    // An untrusted peer's header is ignored; garbage stops the walk at the last trusted hop.
    expect(clientAddress(headers("198.51.100.20", "6.6.6.6"), trusted)).toBe("198.51.100.20");
    expect(clientAddress(headers("10.0.0.5", "not-an-ip"), trusted)).toBe("10.0.0.5");
    // Everything trusted: the leftmost address is the client.
    expect(clientAddress(headers("10.0.0.5", "10.9.9.9, 10.1.1.1"), trusted)).toBe("10.9.9.9");
  });

  it("refuses a malformed TRUSTED_PROXIES entry", () => {
    expect(() => trustedProxyMatcher(["10.0.0.0/33"])).toThrow(/TRUSTED_PROXIES/);
    expect(() => trustedProxyMatcher(["proxy.example.com"])).toThrow(/TRUSTED_PROXIES/);
  });

  it("in the running app (no TRUSTED_PROXIES) the audit ip is the socket address, not a header", async () => {
    const email = `nobody-${randomUUID().slice(0, 8)}@test.framevault.local`;
    const csrf = await fetch(`${BASE_URL}/api/auth/csrf`);
    const { csrfToken } = await csrf.json();
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    await fetch(`${BASE_URL}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie,
        "x-forwarded-for": "203.0.113.7",
        "x-real-ip": "203.0.113.8",
        [SOCKET_ADDRESS_HEADER]: "203.0.113.9",
      },
      body: new URLSearchParams({ csrfToken, email, password: "wrong-password" }),
    });
    const rows = await testSql()`select ip from audit_events where action = 'auth.sign_in' and details->>'email' = ${email}`;
    expect(rows).toEqual([{ ip: "127.0.0.1" }]);
  });
});
