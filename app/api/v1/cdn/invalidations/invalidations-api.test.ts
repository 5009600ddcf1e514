// GET /api/v1/cdn/invalidations (admins): what the drain recorded for a change, the month's figures, and
// refusals for everyone else.
import { describe, expect, it } from "vitest";
import { cdnInvalidationList } from "@/lib/openapi/responses";
import { waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, anonymous, apiUpload, newUser } from "@/scripts/testing/client";
import { makeJpeg } from "@/scripts/testing/fixtures";

describe("GET /api/v1/cdn/invalidations", () => {
  it("lists a deleted file's invalidation with the month's path count, for admins only", async () => {
    const alice = await newUser();
    const up = await apiUpload(alice.session, { name: "cdn-api.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    expect(await waitUntilProcessed(up.body.fileId)).toBe("ready");
    expect((await alice.session.json(`/api/v1/files/${up.body.fileId}`, { method: "DELETE" })).status).toBe(200);

    const admin = await adminSignIn();
    const path = `/media/${up.body.fileId}/current`;
    const deadline = Date.now() + 90_000;
    let body: any;
    for (;;) {
      const res = await admin.json(`/api/v1/cdn/invalidations?status=completed&path=${encodeURIComponent(path)}`);
      expect(res.status).toBe(200);
      body = res.body;
      if (body.invalidations.length > 0) break;
      if (Date.now() > deadline) throw new Error(`no completed invalidation of ${path}: ${JSON.stringify(body).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(() => cdnInvalidationList.parse(body)).not.toThrow();
    expect(body.invalidations).toHaveLength(1);
    expect(body.invalidations[0]).toMatchObject({ status: "completed", provider: "nginx", costUsd: 0 });
    expect(body.invalidations[0].pathCount).toBeGreaterThanOrEqual(2);
    expect(body.provider).toBe("nginx");
    expect(body.month.paths).toBeGreaterThan(0);
    expect(body.month.costUsd).toBe(0);
    expect(body.month.freePaths).toBeNull();

    expect((await alice.session.json("/api/v1/cdn/invalidations")).status).toBe(403);
    expect((await anonymous.json("/api/v1/cdn/invalidations")).status).toBe(401);
    expect((await admin.json("/api/v1/cdn/invalidations?limit=0")).status).toBe(400);
    expect((await admin.json("/api/v1/cdn/invalidations?path=/etc/passwd")).status).toBe(400);
  });
});
