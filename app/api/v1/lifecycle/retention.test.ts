import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ownerSql, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { runLifecycle, type FinishedRun } from "@/scripts/testing/lifecycle";
import { adminSignIn, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { fakeJpeg } from "@/scripts/testing/fixtures";

// Retention rules and legal holds (issue 9, L4) against the real app, Postgres, Ceph RGW and the local Inngest
// runner. "Time passing" is the test moving a file's upload date back in the database (as the owner role).

type User = Awaited<ReturnType<typeof newUser>>;
let alice: User;
let admin: Session;
const tag = randomUUID().slice(0, 8);
const cam = `cam-ret-${tag}`;
const otherCam = `cam-other-${tag}`;
const longCam = `cam-long-${tag}`;
const category = `retention ${tag}`;

beforeAll(async () => {
  alice = await newUser();
  admin = await adminSignIn();
});

afterAll(async () => {
  await admin.json("/api/v1/lifecycle/retention", { method: "PUT", body: { rules: [] } });
});

async function upload(name: string, fields: { cameraId?: string; eventId?: string; category?: string } = {}): Promise<string> {
  const { eventId, category: cat, ...metadata } = fields;
  const form: Record<string, string> = { metadata: JSON.stringify(metadata) };
  if (eventId) form.eventId = eventId;
  if (cat) form.category = cat;
  const res = await apiUpload(alice.session, { name, type: "image/jpeg", bytes: fakeJpeg(2000) }, form);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(await waitUntilProcessed(res.body.fileId)).toBe("ready");
  return res.body.fileId;
}

async function age(fileId: string, days: number) {
  await ownerSql()`update files set created_at = now() - make_interval(days => ${days}) where id = ${fileId}`;
}

async function inTrash(fileId: string): Promise<boolean> {
  const [row] = await testSql()`select deleted_at from files where id = ${fileId}`;
  return row.deleted_at !== null;
}

/** "Run now" for retention, then the run's record once the workflow has finished it. */
function runRetention(): Promise<FinishedRun> {
  return runLifecycle(admin, "retention");
}

const rule = (r: Record<string, unknown>) => ({ enabled: true, destination: null, action: "delete", ...r });

describe("retention rules (admins only)", () => {
  it("validates, saves with an audited before and after, and refuses other roles", async () => {
    const archiveWithoutClass = await admin.json("/api/v1/lifecycle/retention", {
      method: "PUT", body: { rules: [rule({ id: "x", name: "X", scope: "camera", scopeValue: cam, keepDays: 7, action: "archive" })] },
    });
    expect(archiveWithoutClass.status).toBe(400);
    expect(archiveWithoutClass.body.error.code).toBe("validation_failed");
    const badScope = await admin.json("/api/v1/lifecycle/retention", { method: "PUT", body: { rules: [rule({ id: "x", name: "X", scope: "planet", scopeValue: "mars", keepDays: 7 })] } });
    expect(badScope.status).toBe(400);
    const zeroDays = await admin.json("/api/v1/lifecycle/retention", { method: "PUT", body: { rules: [rule({ id: "x", name: "X", scope: "camera", scopeValue: cam, keepDays: 0 })] } });
    expect(zeroDays.status).toBe(400);

    const first = [rule({ id: "cold-site", name: "Site to Glacier", scope: "site", scopeValue: `site-${tag}`, keepDays: 30, action: "archive", destination: "GLACIER" })];
    expect((await admin.json("/api/v1/lifecycle/retention", { method: "PUT", body: { rules: first } })).status).toBe(200);
    const saved = await admin.json("/api/v1/lifecycle/retention", { method: "PUT", body: { rules: [] } });
    expect(saved.status).toBe(200);
    expect(saved.body.rules).toEqual([]);
    const [audit] = await testSql()`select details from audit_events where action = 'lifecycle.retention.update' order by id desc limit 1`;
    expect(audit.details).toMatchObject({ before: [{ id: "cold-site", destination: "GLACIER", keepDays: 30 }], after: [] });

    expect((await alice.session.json("/api/v1/lifecycle/retention")).status).toBe(403);
    expect((await alice.session.json("/api/v1/lifecycle/retention", { method: "PUT", body: { rules: [] } })).status).toBe(403);
    expect((await alice.session.json("/api/v1/legal-holds", { method: "POST", body: { scope: { cameraId: cam }, reason: "x" } })).status).toBe(403);
    expect((await alice.session.json("/api/v1/lifecycle/runs", { method: "POST", body: { kind: "retention" } })).status).toBe(403);
  });
});

describe("a camera rule, legal holds and the retention run", () => {
  const f: Record<string, string> = {};
  const eventId = `evt-${tag}`;

  beforeAll(async () => {
    f.old = await upload("ret-old.jpg", { cameraId: cam });
    f.heldOld = await upload("ret-held.jpg", { cameraId: cam });
    f.eventOld = await upload("ret-event.jpg", { cameraId: cam, eventId });
    f.young = await upload("ret-young.jpg", { cameraId: cam });
    f.otherCamOld = await upload("ret-other.jpg", { cameraId: otherCam });
    f.noCamOld = await upload("ret-nocam.jpg");
    // Precedence: a camera rule keeping 30 days beats a category rule keeping 1 day.
    f.longCamOld = await upload("ret-long.jpg", { cameraId: longCam, category });
    for (const id of [f.old, f.heldOld, f.eventOld, f.otherCamOld, f.noCamOld, f.longCamOld]) await age(id, 10);
    await age(f.young, 3);
    const saved = await admin.json("/api/v1/lifecycle/retention", {
      method: "PUT",
      body: {
        rules: [
          rule({ id: "cam-7d", name: "Camera: 7 days", scope: "camera", scopeValue: cam, keepDays: 7 }),
          rule({ id: "long-cam-30d", name: "Long camera: 30 days", scope: "camera", scopeValue: longCam, keepDays: 30 }),
          rule({ id: "category-1d", name: "Category: 1 day", scope: "category", scopeValue: category, keepDays: 1 }),
        ],
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  });

  it("trashes that camera's old files and no other, except what a legal hold keeps; lifting it lets the next run take it", async () => {
    // A hold on one file, and one on the counting event of another.
    const fileHold = await admin.json("/api/v1/legal-holds", { method: "POST", body: { scope: { fileId: f.heldOld }, reason: "Incident 42: keep the footage" } });
    expect(fileHold.status, JSON.stringify(fileHold.body)).toBe(201);
    expect(fileHold.body).toMatchObject({ scope: { fileId: f.heldOld }, reason: "Incident 42: keep the footage", active: true, files: 1 });
    const eventHold = await admin.json("/api/v1/legal-holds", { method: "POST", body: { scope: { eventId }, reason: "Counting dispute" } });
    expect(eventHold.status).toBe(201);
    expect(eventHold.body.files).toBe(1);
    expect((await admin.json("/api/v1/legal-holds", { method: "POST", body: { scope: { fileId: randomUUID() }, reason: "x" } })).status).toBe(404);

    // Nobody can trash or purge a held file, admins included; the file page says it is held.
    for (const [who, session] of [["owner", alice.session], ["admin", admin]] as const) {
      for (const path of [`/api/v1/files/${f.heldOld}`, `/api/v1/files/${f.heldOld}?permanent=true`]) {
        const refused = await session.json(path, { method: "DELETE" });
        expect(refused.status, `${who} DELETE ${path}`).toBe(409);
        expect(refused.body.error.code).toBe("legal_hold");
      }
    }
    const bulk = await alice.session.json("/api/v1/files/bulk", { method: "POST", body: { action: "delete", ids: [f.eventOld] } });
    expect(bulk.body.results[0]).toMatchObject({ ok: false, error: { code: "legal_hold" } });
    expect((await alice.session.json(`/api/v1/files/${f.heldOld}`)).body.legalHold).toBe(true);
    expect((await alice.session.json(`/api/v1/files/${f.old}`)).body.legalHold).toBe(false);
    // A file recorded later for a held event is held from the start.
    const late = await upload("ret-late.jpg", { eventId });
    expect((await alice.session.json(`/api/v1/files/${late}`)).body.legalHold).toBe(true);

    const listed = await admin.json("/api/v1/legal-holds");
    expect(listed.body.holds.map((h: { id: string }) => h.id)).toEqual(expect.arrayContaining([fileHold.body.id, eventHold.body.id]));
    // Each hold's count is of the files it covers: the file, and the event's two (the late one included).
    const listedFiles = (id: string) => listed.body.holds.find((h: { id: string }) => h.id === id).files;
    expect(listedFiles(fileHold.body.id)).toBe(1);
    expect(listedFiles(eventHold.body.id)).toBe(2);

    const run = await runRetention();
    expect(await inTrash(f.old)).toBe(true);
    for (const kept of [f.heldOld, f.eventOld, f.young, f.otherCamOld, f.noCamOld, f.longCamOld]) expect(await inTrash(kept), kept).toBe(false);
    expect(run.counts).toMatchObject({ trashed: 1, byRule: { "cam-7d": 1 }, skippedHeld: 2, failed: 0 });
    expect(run.counts.kept).toBeGreaterThanOrEqual(2);
    // Through the trash: audited as a delete naming the rule, purged after the trash's own retention.
    const [deleted] = await testSql()`select actor_id, details from audit_events where action = 'file.delete' and file_id = ${f.old}`;
    expect(deleted.actor_id).toBe("system:retention-run");
    expect(deleted.details).toMatchObject({ reason: "retention", rule: "cam-7d" });
    const [trashed] = await testSql()`select purge_after > now() as later from files where id = ${f.old}`;
    expect(trashed.later).toBe(true);

    // Nothing new the second time.
    expect((await runRetention()).counts).toMatchObject({ trashed: 0, skippedHeld: 2 });

    // Lifting the file's hold frees it; the next run takes it, and the event's hold still keeps the other.
    const released = await admin.json(`/api/v1/legal-holds/${fileHold.body.id}`, { method: "DELETE" });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body).toMatchObject({ active: false, releasedAt: expect.any(String) });
    expect((await admin.json(`/api/v1/legal-holds/${fileHold.body.id}`, { method: "DELETE" })).status).toBe(409);
    expect((await alice.session.json(`/api/v1/files/${f.heldOld}`)).body.legalHold).toBe(false);
    const after = await runRetention();
    expect(after.counts).toMatchObject({ trashed: 1, skippedHeld: 1 });
    expect(await inTrash(f.heldOld)).toBe(true);
    expect(await inTrash(f.eventOld)).toBe(false);

    // Every hold and release is audited.
    const audits = await testSql()`select action, details from audit_events where action like 'legal_hold.%' and details->>'holdId' in (${fileHold.body.id}, ${eventHold.body.id}) order by id`;
    expect(audits.map((a) => a.action)).toEqual(["legal_hold.create", "legal_hold.create", "legal_hold.release"]);
    expect(audits[0].details).toMatchObject({ reason: "Incident 42: keep the footage", scope: { fileId: f.heldOld } });

    expect((await admin.json(`/api/v1/legal-holds/${eventHold.body.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await alice.session.json(`/api/v1/files/${late}`)).body.legalHold).toBe(false);
  });

  it("a held camera keeps every file of it, including ones in the trash, from the purge", async () => {
    const hold = await admin.json("/api/v1/legal-holds", { method: "POST", body: { scope: { cameraId: cam }, reason: "Camera seized" } });
    expect(hold.status).toBe(201);
    // f.old and f.heldOld are in the trash: held now, they cannot be purged.
    expect(hold.body.files).toBeGreaterThanOrEqual(4);
    const purge = await admin.json(`/api/v1/files/${f.old}?permanent=true`, { method: "DELETE" });
    expect(purge.status).toBe(409);
    expect(purge.body.error.code).toBe("legal_hold");
    expect((await admin.json(`/api/v1/legal-holds/${hold.body.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await admin.json(`/api/v1/files/${f.old}?permanent=true`, { method: "DELETE" })).status).toBe(200);
  });
});
