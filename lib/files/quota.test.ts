// The quota reads a per-owner counter (owner_usage) kept by triggers on file_versions, not a sum over every file.
// These tests check the counter against the sum it replaces after every kind of upload outcome, and that
// the quota still holds when one owner uploads in parallel.
import { describe, expect, it } from "vitest";
import { eicar } from "@/lib/processing/test-media";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { fakeJpeg, makeJpeg, makePng } from "@/scripts/testing/fixtures";

const MiB = 1024 * 1024;

async function usage(ownerId: string) {
  const [row] = await testSql()`
    select (select bytes_stored from owner_usage where owner_id = ${ownerId})::bigint as counter,
           (select coalesce(sum(v.size), 0) from file_versions v join files f on f.id = v.file_id
             where f.owner_id = ${ownerId} and v.restored_from is null)::bigint as summed,
           (select count(*) from files where owner_id = ${ownerId})::int as files`;
  return { counter: Number(row.counter ?? 0), summed: Number(row.summed), files: row.files as number };
}

async function reserve(session: Session, name: string, size: number) {
  const res = await session.json("/api/uploads", { method: "POST", body: { filename: name, size, mimeType: "image/jpeg" } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { uploadId: string; key: string };
}

/** The browser flow for a single PUT; `sent` other bytes than announced makes completion fail. */
async function browserUpload(session: Session, name: string, bytes: Buffer, sent = bytes) {
  const created = await reserve(session, name, bytes.length);
  const signed = await session.json("/api/uploads/sign", { method: "POST", body: { method: "PUT", key: created.key } });
  expect(signed.status).toBe(200);
  const put = await fetch(signed.body.url, { method: "PUT", body: new Uint8Array(sent), headers: signed.body.headers });
  return { put, done: await session.json(`/api/uploads/${created.uploadId}/complete`, { method: "POST" }) };
}

describe("storage quota counter", () => {
  it("equals the sum of the owner's version sizes after uploads, refusals, trash, rejection, quarantine and failure", async () => {
    const owner = await newUser();
    const ids: string[] = [];
    const stored = async (res: { status: number; body: any }) => {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.fileId);
    };
    await stored(await apiUpload(owner.session, { name: "a.jpg", type: "image/jpeg", bytes: await makeJpeg() }));
    const browser = await browserUpload(owner.session, "b.jpg", await makeJpeg(80, 60));
    expect(browser.done.status, JSON.stringify(browser.done.body)).toBe(200);
    ids.push(browser.done.body.fileId);
    // Refused: over the size limit, or stored with another size than announced: nothing counted.
    expect((await owner.session.json("/api/uploads", { method: "POST", body: { filename: "big.jpg", size: Number(process.env.MAX_UPLOAD_BYTES) + 1, mimeType: "image/jpeg" } })).status).toBe(413);
    const liar = await browserUpload(owner.session, "liar.jpg", fakeJpeg(2000), fakeJpeg(2000).subarray(0, 1000));
    expect(liar.done.status === 201).toBe(false);
    // A cancelled reservation.
    const cancelled = await reserve(owner.session, "cancel.jpg", 3 * MiB);
    expect((await owner.session.fetch(`/api/uploads/${cancelled.uploadId}`, { method: "DELETE" })).status).toBe(204);
    // Rejected, quarantined and failed by processing: the rows stay, and so do their bytes.
    await stored(await apiUpload(owner.session, { name: "not-an-image.jpg", type: "image/jpeg", bytes: Buffer.from("plain text, not a JPEG ".repeat(50)) }));
    await stored(await apiUpload(owner.session, { name: "invoice.jpg", type: "image/jpeg", bytes: eicar() }));
    await stored(await apiUpload(owner.session, { name: "fault-always-quota.png", type: "image/png", bytes: await makePng(20, 20) }));
    const statuses = await Promise.all(ids.map((id) => waitUntilProcessed(id, 150_000)));
    expect(statuses.sort()).toEqual(["failed", "quarantined", "ready", "ready", "rejected"]);
    // Trash still takes space.
    expect((await owner.session.json(`/api/v1/files/${ids[0]}`, { method: "DELETE" })).status).toBe(200);

    const now = await usage(owner.id);
    expect(now.files).toBe(5);
    expect(now.summed).toBeGreaterThan(0);
    expect(now.counter).toBe(now.summed);
  }, 200_000);

  it("holds the quota when one owner uploads in parallel, counting reservations in flight", async () => {
    const owner = await newUser();
    const quota = Number(process.env.USER_QUOTA_BYTES);
    // Reservations (no bytes sent) take all but 4 MiB of the quota.
    const held: { uploadId: string }[] = [];
    for (let left = quota - 4 * MiB; left > 0; left -= Math.min(left, 20 * MiB)) held.push(await reserve(owner.session, `held-${held.length}.jpg`, Math.min(left, 20 * MiB)));
    // Six API uploads of 1.5 MiB race for the remaining 4 MiB: exactly two fit.
    const size = 1.5 * MiB;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => apiUpload(owner.session, { name: "race.jpg", type: "image/jpeg", bytes: fakeJpeg(size) })),
    );
    const accepted = results.filter((r) => r.status === 201);
    expect(accepted).toHaveLength(2);
    for (const refused of results.filter((r) => r.status !== 201)) expect(refused.body.error.code).toBe("quota_exceeded");
    const now = await usage(owner.id);
    expect(now.counter).toBe(2 * size);
    expect(now.counter).toBe(now.summed);
    // Cancelling the reservations gives their space back.
    for (const h of held) expect((await owner.session.fetch(`/api/uploads/${h.uploadId}`, { method: "DELETE" })).status).toBe(204);
    expect((await apiUpload(owner.session, { name: "after.jpg", type: "image/jpeg", bytes: fakeJpeg(size) })).status).toBe(201);
    expect((await usage(owner.id)).counter).toBe(3 * size);
  }, 60_000);
});
