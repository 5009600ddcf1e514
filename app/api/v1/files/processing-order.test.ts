import sharp from "sharp";
import { expect, it } from "vitest";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, apiUpload, newUser, sessionFromCookie, type Session } from "@/scripts/testing/client";

// Processing order end to end (the real runner honouring the workflow's `concurrency` and `priority`):
// a person's upload goes ahead of a camera and API backlog. Asserted by order, not by time.

const BACKLOG = 100;

function keyClient(secret: string): Session {
  const base = sessionFromCookie("");
  const headers = (init: { headers?: unknown } = {}) => ({ authorization: `Bearer ${secret}`, ...(init.headers as Record<string, string>) });
  return {
    ...base,
    fetch: (path, init = {}) => base.fetch(path, { ...init, headers: headers(init) }),
    json: (path, init = {}) => base.json(path, { ...init, headers: headers(init) }),
  };
}

/** A distinct camera-like JPEG (noise, so it neither compresses away nor deduplicates). */
function photo(seed: number): Promise<Buffer> {
  const background = { r: seed % 256, g: (seed * 7) % 256, b: (seed * 13) % 256 };
  return sharp({ create: { width: 1280, height: 960, channels: 3, background, noise: { type: "gaussian", mean: 120, sigma: 40 } } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

async function stillProcessing(ids: string[]): Promise<number> {
  const [row] = await testSql()`select count(*)::int as n from files where id = any(${ids}::uuid[]) and status = 'processing'`;
  return row.n as number;
}

it("makes a person's fresh upload ready while a backlog of camera and API files is still processing", async () => {
  const admin = await adminSignIn();
  const [fleet, person] = await Promise.all([newUser("system"), newUser()]);
  const keys: Session[] = [];
  for (const cameraId of ["order-cam-1", "order-cam-2", undefined]) {
    const created = await admin.json("/api/v1/api-keys", {
      method: "POST",
      body: { name: `order ${cameraId ?? "bulk"}`, scopes: ["files:read", "files:write"], ownerId: fleet.id, ...(cameraId ? { cameraId } : {}) },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    keys.push(keyClient(created.body.secret));
  }

  const photos = await Promise.all(Array.from({ length: BACKLOG }, (_, i) => photo(i)));
  const backlog: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < photos.length) {
        const i = next++;
        const res = await apiUpload(keys[i % keys.length], { name: `backlog-${i}.jpg`, type: "image/jpeg", bytes: photos[i] });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        backlog.push(res.body.fileId);
      }
    }),
  );

  const mine = await apiUpload(person.session, { name: "mine.jpg", type: "image/jpeg", bytes: await photo(BACKLOG) });
  expect(mine.status).toBe(201);
  const queuedAhead = await stillProcessing(backlog);
  expect(queuedAhead, "the backlog had drained before the person's upload: nothing to overtake").toBeGreaterThan(0);

  expect(await waitUntilProcessed(mine.body.fileId, 120_000)).toBe("ready");
  const leftBehind = await stillProcessing(backlog);
  console.log(`processing order: ${queuedAhead} backlog files waiting at the person's upload, ${leftBehind} still waiting when it was ready`);
  expect(leftBehind).toBeGreaterThan(0);

  // The backlog still drains, every file of it.
  for (const id of backlog) expect(await waitUntilProcessed(id, 300_000)).toBe("ready");
}, 600_000);
