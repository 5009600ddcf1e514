import "server-only";
import { decode } from "next-auth/jwt";
import { env } from "@/lib/env";
import { processMap } from "@/lib/process-map";

/** What lib/auth/index.ts puts in the session token and sessionUser needs back. */
export interface SessionClaims {
  userId: string;
  sessionVersion: number;
}

const COOKIE = "authjs.session-token";
const SECURE_COOKIE = `__Secure-${COOKIE}`;
// Bounded: beyond it the oldest token is decrypted again on its next use.
const MAX_ENTRIES = 5_000;


/**
 * The claims of the Auth.js session cookie, decrypted once per token and process rather than on every
 * request. Calling `auth()` from a route handler runs Auth.js's whole session endpoint per request: CSRF
 * digests, key derivation, decryption, and re-encryption of a refreshed cookie that a plain `auth()` call
 * throws away; on the upload-signing route that was a large part of its CPU. The token is still checked
 * exactly as Auth.js checks it (same secret, salt and algorithm through its own `decode`, expiry), and the
 * caller still re-reads the account on every request (lib/auth/session-user.ts), so signing out, a
 * password change or disabling applies at once.
 */
export async function sessionClaims(headers: Headers): Promise<SessionClaims | null> {
  const cookies = parseCookies(headers.get("cookie"));
  // Auth.js names the cookie after the protocol it sees (x-forwarded-proto, defaulting to https); the
  // name is also the token's salt, so a token only decrypts under the name it was issued with.
  const secureFirst = (headers.get("x-forwarded-proto") ?? "https").startsWith("https");
  for (const name of secureFirst ? [SECURE_COOKIE, COOKIE] : [COOKIE, SECURE_COOKIE]) {
    const token = cookieValue(cookies, name);
    if (token) return claimsOf(token, name);
  }
  return null;
}

async function claimsOf(token: string, name: string): Promise<SessionClaims | null> {
  const cache = processMap<string, { claims: SessionClaims; expiresAt: number }>("sessionTokens", MAX_ENTRIES);
  const key = `${name}=${token}`;
  const hit = cache.get(key);
  if (hit) {
    if (Date.now() < hit.expiresAt) return hit.claims;
    cache.delete(key);
    return null;
  }
  let payload: { sub?: unknown; sv?: unknown; exp?: unknown } | null;
  try {
    payload = await decode({ token, secret: env().AUTH_SECRET, salt: name });
  } catch {
    return null;
  }
  if (!payload || typeof payload.sub !== "string" || !payload.sub || typeof payload.sv !== "number" || typeof payload.exp !== "number") return null;
  const claims = { userId: payload.sub, sessionVersion: payload.sv };
  cache.set(key, { claims, expiresAt: payload.exp * 1000 });
  return claims;
}

function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

/** A cookie's value, joined from Auth.js's chunks (`name.0`, `name.1`, …) when it was split. */
function cookieValue(cookies: Map<string, string>, name: string): string | null {
  const whole = cookies.get(name);
  if (whole) return whole;
  let joined = "";
  for (let i = 0; cookies.has(`${name}.${i}`); i++) joined += cookies.get(`${name}.${i}`);
  return joined || null;
}
