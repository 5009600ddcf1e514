// Graceful drain: SIGTERM to an instance (its own `node server.mjs`, never the suite's app) while a 50 MiB
// download is in flight. Readiness answers 503 at once, the download still arrives whole, then the process exits.
import { createHash } from "node:crypto";
import { get, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntilProcessed } from "@/scripts/testing/backends";
import { apiUpload, newUser, sessionFromCookie } from "@/scripts/testing/client";
import { fakeJpeg, sha256 } from "@/scripts/testing/fixtures";
import { startSecondApp, type SecondApp } from "@/scripts/testing/second-app";

const MiB = 1024 * 1024;
const SIZE = 50 * MiB;

let app: SecondApp;
let fileId: string;
let cookie: string;
let expected: string;

beforeAll(async () => {
  // The suite's app refuses files over 32 MiB; this instance takes the 50 MiB one.
  app = await startSecondApp({ MAX_UPLOAD_BYTES: String(64 * MiB), USER_QUOTA_BYTES: String(128 * MiB) });
  const user = await newUser();
  cookie = user.session.cookie;
  const bytes = fakeJpeg(SIZE);
  expected = sha256(bytes);
  const up = await apiUpload(sessionFromCookie(cookie, app.base), { name: "drain.jpg", type: "image/jpeg", bytes });
  expect(up.status).toBe(201);
  fileId = up.body.fileId;
  expect(await waitUntilProcessed(fileId, 120_000)).toBe("ready");
}, 240_000);

afterAll(async () => {
  await app?.stop();
});

/** A download whose body is read only when asked: until then the server is stuck mid-response (backpressure). */
function startDownload(): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = get(`${app.base}/api/v1/files/${fileId}/download`, { headers: { cookie, origin: app.base } }, (res) => {
      res.pause();
      resolve(res);
    });
    req.on("error", reject);
  });
}

describe("SIGTERM during a download", () => {
  it("turns readiness to 503 while the 50 MiB download finishes bit-complete, then the process exits 0", async () => {
    expect((await fetch(`${app.base}/api/health/ready`)).status).toBe(200);
    const res = await startDownload();
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-length"]).toBe(String(SIZE));

    app.signal("SIGTERM");
    // Signal delivery is asynchronous: wait for the server to say it drains (polling, no timed assertion).
    for (let i = 0; i < 200 && !app.output().includes("SIGTERM: draining"); i++) await new Promise((r) => setTimeout(r, 50));
    // The download has not been read yet, so it is still in flight while readiness is asked, over a new connection.
    const ready = await fetch(`${app.base}/api/health/ready`, { headers: { connection: "close" } });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "draining" });
    // Liveness stays up: the process is healthy, only leaving.
    expect((await fetch(`${app.base}/api/health/live`, { headers: { connection: "close" } })).status).toBe(200);

    const hash = createHash("sha256");
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      res.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
      });
      res.once("end", resolve);
      res.once("error", reject);
      res.resume();
    });
    expect(received).toBe(SIZE);
    expect(hash.digest("hex")).toBe(expected);
    expect(await app.exited).toBe(0);
    expect(app.output()).toMatch(/"msg":"SIGTERM: draining/);
  }, 120_000);
});
