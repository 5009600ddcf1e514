// Request ids: taken from X-Request-Id only through a trusted proxy (and only when it looks like an id),
// returned on every response and in error envelopes, and found on the request's log lines, its audit rows
// and the log lines of the processing it started.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { anonymous, apiUpload, newUser, sessionFromCookie, type Session } from "@/scripts/testing/client";
import { makeJpeg } from "@/scripts/testing/fixtures";
import { startSecondApp, type SecondApp } from "@/scripts/testing/second-app";
import { requestIdFrom, SOCKET_ADDRESS_HEADER, trustedProxyMatcher } from "./request-info";

type LogLine = { level: string; msg: string; requestId?: string; [k: string]: unknown };

function jsonLines(text: string): LogLine[] {
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** Polls until `find` returns lines (log files are written asynchronously), or gives up after `ms`. */
async function eventually(find: () => LogLine[], ms = 30_000): Promise<LogLine[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("requestIdFrom", () => {
  const trusted = trustedProxyMatcher(["10.0.0.0/8"]);
  const headers = (socket: string, id: string) => new Headers({ [SOCKET_ADDRESS_HEADER]: socket, "x-request-id": id });

  it("takes a well-formed id from a trusted proxy only, else makes a UUID", () => {
    expect(requestIdFrom(headers("10.1.2.3", "lb-7f3a9c21e0"), trusted)).toBe("lb-7f3a9c21e0");
    expect(requestIdFrom(headers("203.0.113.5", "lb-7f3a9c21e0"), trusted)).toMatch(/^[0-9a-f-]{36}$/);
    for (const bad of ["short", "x".repeat(129), "has space in it", "quote\"d-value", "semi;colon-value"]) {
      expect(requestIdFrom(headers("10.1.2.3", bad), trusted)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("a request through a trusted proxy with X-Request-Id", () => {
  let proxied: SecondApp;
  let session: Session;

  beforeAll(async () => {
    // The suite's app trusts no proxy; this instance trusts the loopback address the tests connect from.
    proxied = await startSecondApp({ TRUSTED_PROXIES: "127.0.0.1" });
    const user = await newUser();
    session = sessionFromCookie(user.session.cookie, proxied.base);
  }, 90_000);

  afterAll(async () => {
    await proxied?.stop();
  });

  it("carries the id on the response, its log lines, its audit rows and its processing's log lines", async () => {
    const id = `test-${randomUUID()}`;
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(await makeJpeg())], { type: "image/jpeg" }), "traced.jpg");
    const res = await session.fetch("/api/v1/files/upload", { method: "POST", body: form, headers: { "x-request-id": id } });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBe(id);
    const { fileId } = (await res.json()) as { fileId: string };
    expect(await waitUntilProcessed(fileId)).toBe("ready");

    // The request's own lines, on the instance that served it: at least its access line.
    const own = await eventually(() => jsonLines(proxied.output()).filter((l) => l.requestId === id));
    expect(own.map((l) => l.msg)).toContain("request");
    expect(own.find((l) => l.msg === "request")).toMatchObject({ route: "/api/v1/files/upload", method: "POST", status: 201 });

    // Its audit rows: the upload, and the outcome its processing recorded.
    const rows = await testSql()<{ action: string; request_id: string | null }[]>`
      select action, request_id from audit_events where file_id = ${fileId} order by id`;
    expect(rows.find((r) => r.action === "file.upload")?.request_id).toBe(id);
    expect(rows.find((r) => r.action === "file.processed")?.request_id).toBe(id);

    // The processing ran on the suite's app (the workflow runner calls it): its step lines carry the id too.
    const processing = await eventually(() =>
      jsonLines(readFileSync(process.env.FRAMEVAULT_APP_LOG!, "utf8")).filter((l) => l.requestId === id && l.fileId === fileId),
    );
    expect(processing.map((l) => l.step)).toEqual(expect.arrayContaining(["verify-checksum", "virus-scan", "record-outcome"]));
    expect(processing.every((l) => l.requestId === id)).toBe(true);
  });

  it("puts the id in the error envelope and its header", async () => {
    const id = `test-${randomUUID()}`;
    const res = await session.json(`/api/v1/files/${randomUUID()}`, { headers: { "x-request-id": id } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe(id);
    expect(res.body).toEqual({ error: { code: "not_found", message: expect.any(String), requestId: id } });
  });

  it("replaces an id that does not look like one", async () => {
    const res = await session.json(`/api/v1/files/${randomUUID()}`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error.requestId).toBe(res.headers.get("x-request-id"));
  });
});

describe("a request straight to the app (no trusted proxy)", () => {
  it("cannot choose its id", async () => {
    const res = await anonymous.json("/api/v1/files", { headers: { "x-request-id": "chosen-by-the-client" } });
    expect(res.status).toBe(401);
    const given = res.headers.get("x-request-id");
    expect(given).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error.requestId).toBe(given);
  });
});
