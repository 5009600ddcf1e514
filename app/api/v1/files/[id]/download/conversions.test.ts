import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { bucketKeys, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { sha256 } from "@/scripts/testing/fixtures";
import { makePixelBomb } from "@/lib/processing/test-media";

// What one request may make the server do with `?format=`: a few quality levels, a pixel limit,
// one conversion per variant however many ask at once, and a rate limit of its own for cache misses
// (scripts/test.ts sets RATE_LIMIT_CONVERSION_PER_MINUTE to 8).

let admin: Session;
beforeAll(async () => {
  admin = await adminSignIn();
});

async function readyImage(session: Session, name: string, width = 96, height = 64): Promise<{ fileId: string; versionId: string }> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: Math.floor(Math.random() * 255), g: 90, b: 40 } } })
    .jpeg()
    .toBuffer();
  const res = await apiUpload(session, { name, type: "image/jpeg", bytes });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(await waitUntilProcessed(res.body.fileId, 60_000)).toBe("ready");
  const [version] = await testSql()`select id from file_versions where file_id = ${res.body.fileId}`;
  return { fileId: res.body.fileId, versionId: version.id };
}

describe("quality levels", () => {
  it("accepts 50, 75 and 90 only, and says so", async () => {
    const { session } = await newUser();
    const { fileId, versionId } = await readyImage(session, "levels.jpg");
    for (const quality of ["37", "100", "1", "75.5", "abc"]) {
      const res = await session.json(`/api/v1/files/${fileId}/download?format=webp&quality=${quality}`);
      expect(res.status, quality).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toContain("quality must be one of 50, 75, 90");
    }
    expect(await bucketKeys(`variants/${versionId}/convert-`)).toEqual([]);
    const res = await session.fetch(`/api/v1/files/${fileId}/download?format=webp&quality=90`);
    expect(res.status).toBe(200);
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format).toBe("webp");
  });
});

describe("concurrent requests for one new variant", () => {
  it("convert once: all 200 with identical bytes, exactly one miss, one stored object", async () => {
    const { session } = await newUser();
    const { fileId, versionId } = await readyImage(session, "burst.jpg", 1600, 1200);
    const responses = await Promise.all(Array.from({ length: 8 }, () => session.fetch(`/api/v1/files/${fileId}/download?format=avif`)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const caches = responses.map((r) => r.headers.get("x-framevault-variant-cache"));
    expect(caches.filter((c) => c === "miss")).toHaveLength(1);
    expect(caches.filter((c) => c === "hit")).toHaveLength(7);
    const digests = await Promise.all(responses.map(async (r) => sha256(Buffer.from(await r.arrayBuffer()))));
    expect(new Set(digests).size).toBe(1);
    // Without `quality`, the default level (75).
    expect(await bucketKeys(`variants/${versionId}/convert-`)).toEqual([`variants/${versionId}/convert-avif-q75.avif`]);
    const [{ n }] = await testSql()`select count(*)::int as n from file_variants where version_id = ${versionId} and name like 'convert-%'`;
    expect(n).toBe(1);
  });
});

describe("cache misses have their own rate limit", () => {
  it("refuses the 9th new conversion in a minute with 429 and Retry-After, while cached ones are still served", async () => {
    const { session } = await newUser();
    const { fileId, versionId } = await readyImage(session, "many.jpg");
    const variants = [
      ...["webp", "avif", "jpeg"].flatMap((format) => ["50", "75", "90"].map((quality) => `format=${format}&quality=${quality}`)),
      "format=png",
    ];
    const statuses: number[] = [];
    let refused: { body: any; headers: Headers } | undefined;
    for (const query of variants) {
      const res = await session.fetch(`/api/v1/files/${fileId}/download?${query}`);
      statuses.push(res.status);
      if (res.status === 429) refused ??= { body: await res.json(), headers: res.headers };
      else await res.arrayBuffer();
    }
    expect(statuses).toEqual([...Array(8).fill(200), 429, 429]);
    expect(refused!.body.error.code).toBe("rate_limited");
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await bucketKeys(`variants/${versionId}/convert-`)).toHaveLength(8);

    const cached = await session.fetch(`/api/v1/files/${fileId}/download?${variants[0]}`);
    expect(cached.status).toBe(200);
    expect(cached.headers.get("x-framevault-variant-cache")).toBe("hit");
    // The limit is the actor's own: another user converts meanwhile.
    const other = await newUser();
    const theirs = await readyImage(other.session, "theirs.jpg");
    expect((await other.session.fetch(`/api/v1/files/${theirs.fileId}/download?format=png`)).status).toBe(200);
  });
});

describe("a pixel bomb (16000×16000 PNG of a few hundred KiB)", () => {
  let session: Session;
  let fileId: string;
  let versionId: string;

  beforeAll(async () => {
    ({ session } = await newUser());
    const res = await apiUpload(session, { name: "bomb.png", type: "image/png", bytes: await makePixelBomb() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    fileId = res.body.fileId;
  }, 120_000);

  it("ends processing rejected, with the reason, after one attempt", async () => {
    expect(await waitUntilProcessed(fileId, 90_000)).toBe("rejected");
    const file = (await session.json(`/api/v1/files/${fileId}`)).body;
    expect(file.statusReason).toContain("more than 40,000,000 pixels");
    const jobs = (await admin.json(`/api/v1/jobs?fileId=${fileId}`)).body.jobs;
    expect(jobs[0]).toMatchObject({ attempts: 1, fileStatus: "rejected" });
    [{ id: versionId }] = await testSql()`select id from file_versions where file_id = ${fileId}`;
    expect(await bucketKeys(`variants/${versionId}/`)).toEqual([]);
    expect((await session.json(`/api/v1/files/${fileId}/download?format=webp`)).status).toBe(409);
  });

  it("is refused by conversion with 422 image_too_large even when the file is ready (e.g. processed before the limit)", async () => {
    await testSql()`update files set status = 'ready', status_reason = null where id = ${fileId}`;
    const res = await session.json(`/api/v1/files/${fileId}/download?format=avif&quality=50`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("image_too_large");
    expect(res.body.error.message).toContain("more than 40,000,000 pixels");
    expect(await bucketKeys(`variants/${versionId}/`)).toEqual([]);
    // The server is still answering, and the original is still served as it is.
    expect((await session.fetch(`/api/v1/files/${fileId}/download`)).status).toBe(200);
  });
});
