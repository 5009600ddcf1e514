import { randomUUID } from "node:crypto";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARCHIVE_POLICIES } from "@/lib/archive/defaults";
import { fileLifecycle, lifecycleSimulation } from "@/lib/openapi/responses";
import { BUCKET, ownerSql, testS3, testSql } from "@/scripts/testing/backends";
import { runLifecycle, type FinishedRun } from "@/scripts/testing/lifecycle";
import { adminSignIn, newUser, type Session } from "@/scripts/testing/client";

// The retention simulator (issue 9 item 5) against the real app, Postgres, Ceph RGW and the local Inngest runner:
// 1000 files seeded straight into the tables (each with its own object in the bucket, so the runs really move
// them), aged far past anything another test seeds (the test database is shared), with rules only they match.

type User = Awaited<ReturnType<typeof newUser>>;
let alice: User;
let bob: User;
let admin: Session;
const tag = randomUUID().slice(0, 8);
const archCam = `cam-sim-arch-${tag}`;
const delCam = `cam-sim-del-${tag}`;
const site = `site-sim-${tag}`;
const MiB = 1024 * 1024;
const SEEDED = 1000;

// Archive rules no other test's files can match (older than 4000 days), and retention rules on this test's own camera and site.
const policies = [
  { id: `sim-${tag}-deep`, name: "Very old and large", enabled: true, minAgeDays: 4000, minUnreadDays: null, minSizeBytes: MiB, destination: "DEEP_ARCHIVE" },
  { id: `sim-${tag}-glacier`, name: "Very old", enabled: true, minAgeDays: 4000, minUnreadDays: null, minSizeBytes: null, destination: "GLACIER" },
];
const retention = [
  { id: `sim-${tag}-cam`, name: "Camera: 3000 days", enabled: true, scope: "camera", scopeValue: delCam, keepDays: 3000, action: "delete", destination: null },
  { id: `sim-${tag}-site`, name: "Site: 200 days, then Deep Archive", enabled: true, scope: "site", scopeValue: site, keepDays: 200, action: "archive", destination: "DEEP_ARCHIVE" },
];

/**
 * Groups by i % 20 (50 files each): 0-1 old (→ GLACIER), 2 old and large (→ DEEP_ARCHIVE), 3-4 on the delete
 * camera and 3500 days old (→ trash), 5 old on the delete camera (→ GLACIER, then the trash the same day), 6 on
 * the site 300 days old (→ DEEP_ARCHIVE by retention), 7-19 young on the delete camera (kept). i % 40 in
 * {0, 3, 6}: held. Most files stay put, so the runs' moves (and the CDN work they queue) stay few.
 */
function seedRow(i: number) {
  const g = i % 20;
  const old = g <= 2 || g === 5;
  return {
    id: randomUUID(),
    versionId: randomUUID(),
    ageDays: old ? 4100 : g <= 4 ? 3500 : g === 6 ? 300 : 10,
    size: g === 2 ? MiB + i : 1000 + i * 7,
    camera: g <= 2 ? archCam : g === 6 ? null : delCam,
    site: g === 6 ? site : null,
    held: [0, 3, 6].includes(i % 40),
  };
}
const seeded = Array.from({ length: SEEDED }, (_, i) => seedRow(i));

async function seed(ownerId: string) {
  const body = Buffer.from("simulated original");
  for (let i = 0; i < seeded.length; i += 25) {
    await Promise.all(seeded.slice(i, i + 25).map((f) => testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: `originals/${f.id}/${f.versionId}`, Body: body }))));
  }
  const sql = ownerSql();
  await sql`insert into files ${sql(seeded.map((f, i) => ({
    id: f.id, owner_id: ownerId, filename: `sim-${i}.jpg`, mime_type: "image/jpeg", size: f.size, category: `sim ${tag}`, status: "ready",
    current_version_id: f.versionId, camera_id: f.camera, site_id: f.site, legal_hold: f.held,
    created_at: new Date(Date.now() - f.ageDays * 86_400_000), updated_at: new Date(),
  })))}`;
  await sql`insert into file_versions ${sql(seeded.map((f) => ({
    id: f.versionId, file_id: f.id, version: 1, object_key: `originals/${f.id}/${f.versionId}`, size: f.size, mime_type: "image/jpeg", status: "ready", created_by: ownerId,
  })))}`;
}

function run(kind: "archive" | "retention"): Promise<FinishedRun> {
  return runLifecycle(admin, kind, { timeoutMs: 240_000 });
}

async function rowCounts() {
  const [c] = await testSql()`select
    (select count(*) from files)::int as files, (select count(*) from files where deleted_at is not null)::int as trashed,
    (select count(*) from files where storage_tier <> 'standard')::int as cold, (select count(*) from file_versions)::int as versions,
    (select count(*) from audit_events where file_id = any(${seeded.map((f) => f.id)}) or action like 'lifecycle.%')::int as audits,
    (select count(*) from lifecycle_runs)::int as runs, (select count(*) from retrievals)::int as retrievals,
    (select count(*) from archive_policies)::int as policies, (select count(*) from retention_rules)::int as rules`;
  return c;
}

const simulate = (body: unknown, session = admin) => session.json("/api/v1/lifecycle/simulate", { method: "POST", body });

beforeAll(async () => {
  [alice, bob] = [await newUser(), await newUser()];
  admin = await adminSignIn();
  await seed(alice.id);
  expect((await admin.json("/api/v1/lifecycle/policies", { method: "PUT", body: { policies } })).status).toBe(200);
  expect((await admin.json("/api/v1/lifecycle/retention", { method: "PUT", body: { rules: retention } })).status).toBe(200);
}, 240_000);

afterAll(async () => {
  await admin.json("/api/v1/lifecycle/policies", { method: "PUT", body: { policies: DEFAULT_ARCHIVE_POLICIES } });
  await admin.json("/api/v1/lifecycle/retention", { method: "PUT", body: { rules: [] } });
});

describe("the simulator's input (admins only)", () => {
  it("refuses bad input with 400 in the envelope, and other roles with 403", async () => {
    for (const body of [{}, { days: 0 }, { days: 366 }, { days: 1.5 }, { days: "7" }, { days: 7, extra: true },
      { days: 7, policies: [{ ...policies[0], minAgeDays: null, minSizeBytes: null }] },
      { days: 7, policies: [policies[0], policies[0]] },
      { days: 7, retention: [{ ...retention[0], action: "archive" }] }]) {
      const res = await simulate(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    }
    const notJson = await admin.fetch("/api/v1/lifecycle/simulate", { method: "POST", body: "days=7", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect((await simulate({ days: 1 }, alice.session)).status).toBe(403);
  });
});

describe("a file's lifecycle", () => {
  it("names the deciding rule and why, with its dates; another user's file is a 404", async () => {
    const oldOnDelCam = seeded.find((f, i) => i % 20 === 4 && !f.held)!;
    const own = await alice.session.json(`/api/v1/files/${oldOnDelCam.id}/lifecycle`);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({
      fileId: oldOnDelCam.id,
      decidedBy: { kind: "retention", ruleId: `sim-${tag}-cam` },
      retention: { outcome: "due", rule: { id: `sim-${tag}-cam`, scope: "camera", scopeValue: delCam, keepDays: 3000, action: "delete" } },
      next: { day: 0, action: "trash", ruleId: `sim-${tag}-cam`, ruleName: "Camera: 3000 days" },
      state: { storageTier: "standard", legalHold: false, deletedAt: null },
    });
    expect(own.body.retention.daysUntil).toBe(-500);
    expect(() => fileLifecycle.parse(own.body)).not.toThrow();
    expect(own.body.timeline.map((t: { action: string; day: number }) => [t.action, t.day])).toEqual([["trash", 0], ["purge", 30]]);

    const young = seeded.find((_, i) => i % 20 === 8)!;
    const kept = (await admin.json(`/api/v1/files/${young.id}/lifecycle`)).body;
    expect(kept).toMatchObject({ retention: { outcome: "keep", daysUntil: 2990 }, next: { day: 2990, action: "trash" }, archive: { policy: { id: `sim-${tag}-glacier` }, daysUntil: 3990 } });
    // Trashed at day 2990, before the archive rule's day: the trash comes first and the purge 30 days later.
    expect(kept.timeline.map((t: { action: string }) => t.action)).toEqual(["trash", "purge"]);

    const large = seeded.find((f, i) => i % 20 === 2 && !f.held)!;
    expect((await admin.json(`/api/v1/files/${large.id}/lifecycle`)).body).toMatchObject({
      decidedBy: { kind: "archive", ruleId: `sim-${tag}-deep` }, archive: { policy: { id: `sim-${tag}-deep`, destination: "DEEP_ARCHIVE" }, daysUntil: 0 },
      retention: { outcome: "none", rule: null }, next: { action: "archive", storageClass: "DEEP_ARCHIVE", source: "archive" },
    });

    const held = seeded.find((f) => f.held && f.camera === delCam)!;
    expect((await alice.session.json(`/api/v1/files/${held.id}/lifecycle`)).body).toMatchObject({
      decidedBy: { kind: "legal_hold" }, retention: { outcome: "held", rule: { id: `sim-${tag}-cam` } }, next: null, timeline: [], state: { legalHold: true },
    });

    const other = await bob.session.json(`/api/v1/files/${oldOnDelCam.id}/lifecycle`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe("not_found");
    expect((await alice.session.json(`/api/v1/files/${randomUUID()}/lifecycle`)).status).toBe(404);
  });
});

describe("the simulator", () => {
  it("tries a draft without changing anything in the database", async () => {
    const before = await rowCounts();
    const saved = await simulate({ days: 1 });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const draft = await simulate({
      days: 1,
      policies: [{ ...policies[1], minSizeBytes: 5 * MiB }],
      retention: [{ ...retention[0], keepDays: 5000 }],
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body.rules.source).toEqual({ policies: "draft", retention: "draft" });
    expect(saved.body.rules.source).toEqual({ policies: "saved", retention: "saved" });
    // The draft's rules take nothing of this test's files (none is 5 MiB; none on the camera is 5000 days old).
    expect(draft.body.perDay[0].byRule).toEqual({});
    expect(saved.body.perDay[0].byRule[`retention:${retention[0].id}`].files).toBeGreaterThan(0);
    expect(await rowCounts()).toEqual(before);
    // Nothing moved in the bucket's bookkeeping either: every seeded file is still hot and live.
    const [moved] = await testSql()`select count(*)::int as n from files where id = any(${seeded.map((f) => f.id)}) and (storage_tier <> 'standard' or deleted_at is not null)`;
    expect(moved.n).toBe(0);
  });

  it("for a seeded set of 1000 files, its day-0 totals equal what the real runs then do", async () => {
    const sim = await simulate({ days: 31 });
    expect(sim.status, JSON.stringify(sim.body)).toBe(200);
    expect(sim.body.perDay).toHaveLength(31);
    expect(() => lifecycleSimulation.parse(sim.body)).not.toThrow();
    expect(sim.body.filesExamined).toBeGreaterThanOrEqual(SEEDED);
    const day0 = sim.body.perDay[0];

    const archiveRun = await run("archive");
    const retentionRun = await run("retention");

    // What the runs recorded…
    expect(day0.archived.GLACIER.files).toBe(archiveRun.counts.byClass.GLACIER ?? 0);
    expect(day0.archived.DEEP_ARCHIVE.files).toBe((archiveRun.counts.byClass.DEEP_ARCHIVE ?? 0) + retentionRun.counts.archived);
    expect(day0.archived.GLACIER.bytes + day0.archived.DEEP_ARCHIVE.bytes).toBe(archiveRun.counts.movedBytes + retentionRun.counts.archivedBytes);
    expect(day0.trashed).toEqual({ files: retentionRun.counts.trashed, bytes: retentionRun.counts.trashedBytes });
    for (const p of policies) expect(day0.byRule[`archive:${p.id}`]?.files ?? 0, p.id).toBe(archiveRun.counts.byRule[p.id] ?? 0);
    for (const r of retention) expect(day0.byRule[`retention:${r.id}`]?.files ?? 0, r.id).toBe(retentionRun.counts.byRule[r.id] ?? 0);
    expect(archiveRun.counts.failed).toBe(0);
    expect(retentionRun.counts.failed).toBe(0);

    // …and what the database now says, per class: only this test's files match these rules.
    const ids = seeded.map((f) => f.id);
    const byTier = await testSql()`select storage_tier, count(*)::int as files, sum(size)::bigint as bytes from files where id = any(${ids}) group by storage_tier`;
    const tier = (t: string) => byTier.find((r) => r.storage_tier === t) ?? { files: 0, bytes: 0 };
    expect({ files: tier("archive").files, bytes: Number(tier("archive").bytes) }).toEqual(day0.archived.GLACIER);
    expect({ files: tier("deep_archive").files, bytes: Number(tier("deep_archive").bytes) }).toEqual(day0.archived.DEEP_ARCHIVE);
    const [trashed] = await testSql()`select count(*)::int as files, coalesce(sum(size), 0)::bigint as bytes from files where id = any(${ids}) and deleted_at is not null`;
    expect({ files: trashed.files, bytes: Number(trashed.bytes) }).toEqual(day0.trashed);

    // The seeding's own arithmetic: 100 old (less 25 held) + 50 old on the delete camera to GLACIER; 50 large and
    // 50 on the site (25 held) to DEEP_ARCHIVE; 100 on the delete camera (25 held) + those 50 to the trash.
    expect([day0.archived.GLACIER.files, day0.archived.DEEP_ARCHIVE.files, day0.trashed.files]).toEqual([125, 75, 125]);
    expect(retentionRun.counts.skippedHeld).toBeGreaterThanOrEqual(50);

    // The next day nothing more happens to them, in the simulation and in a second run alike.
    expect(sim.body.perDay[1].byRule).toEqual({});
    expect((await run("archive")).counts.moved).toBe(0);
    // The trash keeps them 30 days (TRASH_RETENTION_DAYS), then the simulated purge takes them.
    expect(sim.body.perDay[30].purged.files).toBeGreaterThanOrEqual(125);
    // Cost: the moved bytes left STANDARD for the cold classes (and nothing in the model ever comes back to it).
    const { before, after } = sim.body.cost;
    expect(before.byClass.STANDARD.bytes - after.byClass.STANDARD.bytes).toBeGreaterThanOrEqual(day0.archived.GLACIER.bytes + day0.archived.DEEP_ARCHIVE.bytes);
    expect(after.monthlyCost).toBeLessThan(before.monthlyCost);
  }, 600_000);
});
