// Test helpers that talk to the running app over HTTP, exactly as an external client (or curl) would.
import { randomUUID } from "node:crypto";
import { request } from "node:http";

export const BASE_URL = process.env.FRAMEVAULT_BASE_URL ?? "http://127.0.0.1:3000";
export const ADMIN = { email: process.env.FRAMEVAULT_ADMIN_EMAIL ?? "", password: process.env.FRAMEVAULT_ADMIN_PASSWORD ?? "" };

export interface Session {
  cookie: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  json<T = any>(path: string, init?: Omit<RequestInit, "body"> & { body?: unknown }): Promise<{ status: number; body: T; headers: Headers }>;
}

function cookiesFrom(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]);
}

/** Signs in through Auth.js's own endpoints: CSRF token, then the credentials callback. */
export async function signIn(email: string, password: string, base = BASE_URL): Promise<Session> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesFrom(csrfRes);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password }),
  });
  const cookies = [...jar, ...cookiesFrom(res)];
  const session = cookies.find((c) => c.startsWith("authjs.session-token="));
  if (!session) throw new Error(`sign-in failed for ${email} (status ${res.status}, location ${res.headers.get("location")})`);
  return sessionFromCookie(cookies.join("; "), base);
}

/** Requests carry the app's Origin, as a browser on the app's pages sends it (cookie writes require it). */
export function sessionFromCookie(cookie: string, base = BASE_URL): Session {
  const origin = new URL(base).origin;
  const doFetch = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, redirect: "manual", headers: { cookie, origin, ...(init.headers as Record<string, string>) } });
  return {
    cookie,
    fetch: doFetch,
    async json(path, init = {}) {
      const body = (init.body !== undefined && typeof init.body !== "string" && !(init.body instanceof FormData) ? JSON.stringify(init.body) : init.body) as BodyInit | undefined;
      const headers = { ...(typeof init.body === "object" && !(init.body instanceof FormData) ? { "content-type": "application/json" } : {}), ...(init.headers as Record<string, string>) };
      const res = await doFetch(path, { ...init, body, headers });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
  };
}

/**
 * One credentials sign-in attempt through Auth.js, as a browser form would make it: "signed-in", or where
 * it redirects ("…code=rate_limited" when refused).
 */
export async function signInAttempt(email: string, password: string, extraHeaders: Record<string, string> = {}, base = BASE_URL): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiesFrom(csrf).join("; "), ...extraHeaders },
    body: new URLSearchParams({ csrfToken, email, password }),
  });
  const signedIn = cookiesFrom(res).some((c) => c.startsWith("authjs.session-token="));
  return signedIn ? "signed-in" : (res.headers.get("location") ?? "");
}

export const anonymous: Session = sessionFromCookie("");

let adminSession: Promise<Session> | undefined;
export function adminSignIn(): Promise<Session> {
  adminSession ??= signIn(ADMIN.email, ADMIN.password);
  return adminSession;
}

/** A fresh user (created by the admin through the API) and their signed-in session. */
export async function newUser(role: "user" | "admin" | "system" | "auditor" = "user") {
  const admin = await adminSignIn();
  const email = `${role}-${randomUUID().slice(0, 8)}@test.framevault.local`;
  const password = `pw-${randomUUID()}`;
  const created = await admin.json("/api/v1/users", { method: "POST", body: { email, password, name: `Test ${role}`, role } });
  if (created.status !== 201) throw new Error(`could not create user: ${JSON.stringify(created.body)}`);
  return { id: created.body.id as string, email, password, session: await signIn(email, password) };
}

/** Uploads bytes through POST /api/v1/files/upload. */
export async function apiUpload(
  session: Session,
  file: { name: string; type: string; bytes: Uint8Array },
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  return session.json("/api/v1/files/upload", { method: "POST", body: form });
}

/** One raw HTTP exchange (no client-side decompression or redirects), so status, headers and body are as sent. */
export function rawExchange(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: init.method ?? "GET", headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}
