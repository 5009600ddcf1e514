import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { apiUpload, BASE_URL, newUser } from "@/scripts/testing/client";
import { makeJpeg } from "@/scripts/testing/fixtures";
import { buildOpenApiDocument } from "./document";
import * as r from "./responses";

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? routeFiles(full) : name === "route.ts" ? [full] : [];
  });
}

/** Every (path, method) that a route handler under app/api/v1 exports. */
function implementedOperations(): string[] {
  const root = path.resolve("app/api/v1");
  return routeFiles(root).flatMap((file) => {
    const route = "/api/v1" + path.dirname(file).slice(root.length).replace(/\[(\w+)\]/g, "{$1}");
    const methods = [...readFileSync(file, "utf8").matchAll(/export (?:const|async function|function) (GET|POST|PATCH|PUT|DELETE)\b/g)].map((m) => m[1]);
    return methods.map((m) => `${m.toLowerCase()} ${route}`);
  });
}

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument("http://localhost:3000");

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("covers every /api/v1 route handler", () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const implemented = implementedOperations().filter((op) => !op.endsWith("/openapi.json"));
    console.log(`OpenAPI covers ${documented.length} operations; ${implemented.length} implemented`);
    expect(implemented.length).toBeGreaterThan(15);
    expect(implemented.filter((op) => !documented.includes(op))).toEqual([]);
    expect(documented.filter((op) => !implemented.includes(op))).toEqual([]);
  });

  it("is served at /api/v1/openapi.json", async () => {
    const res = await fetch(`${BASE_URL}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect((await res.json()).paths["/api/v1/files"].get.parameters.map((p: { name: string }) => p.name)).toContain("sortBy");
  });

  it("describes what the API really answers", async () => {
    const { session } = await newUser();
    const up = await apiUpload(session, { name: "c.jpg", type: "image/jpeg", bytes: await makeJpeg() }, { tags: "a" });
    expect(() => r.uploadResult.parse(up.body)).not.toThrow();
    const detail = (await session.json(`/api/v1/files/${up.body.fileId}`)).body;
    const list = (await session.json("/api/v1/files")).body;
    const trail = (await session.json(`/api/v1/files/${up.body.fileId}/audit-events`)).body;
    const error = (await session.json("/api/v1/files/nope")).body;
    expect(() => r.fileDetail.parse(detail)).not.toThrow();
    expect(() => r.fileList.parse(list)).not.toThrow();
    expect(() => r.auditPage.parse(trail)).not.toThrow();
    expect(() => r.errorEnvelope.parse(error)).not.toThrow();
  });
});
