// JSON answers carry their length: small ones go out as they are (no chunking, no gzip of a 60-byte body),
// large ones are still compressed for clients that ask.
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { BASE_URL, rawExchange } from "@/scripts/testing/client";

/** A GET that accepts gzip, read raw. */
const rawGet = (path: string) => rawExchange(BASE_URL, path, { headers: { "accept-encoding": "gzip" } });

describe("JSON responses", () => {
  it("state the length of a small body and send it uncompressed", async () => {
    const res = await rawGet("/api/health/live");
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["transfer-encoding"]).toBeUndefined();
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    expect(JSON.parse(res.body.toString("utf8"))).toMatchObject({ status: "ok" });
    expect(res.headers["x-framevault-content-length"]).toBeUndefined();
  });

  it("state the length of an error envelope too", async () => {
    const res = await rawGet("/api/v1/files/not-a-uuid");
    expect(res.status).toBe(401);
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    expect(JSON.parse(res.body.toString("utf8")).error.code).toBe("unauthorized");
  });

  it("still gzip a large body for a client that accepts it", async () => {
    const res = await rawGet("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    const doc = JSON.parse(gunzipSync(res.body).toString("utf8"));
    expect(doc.openapi).toMatch(/^3\./);
  });
});
