import { CopyObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARCHIVE_POLICIES } from "@/lib/archive/defaults";
import { BUCKET, ownerSql, testS3, testSql, waitForStatus, waitUntilProcessed } from "@/scripts/testing/backends";
import { runLifecycle, type FinishedRun } from "@/scripts/testing/lifecycle";
import { adminSignIn, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { fakeJpeg, sha256 } from "@/scripts/testing/fixtures";

// Archive tiers (issue 9, L2/L3) against the real app, Postgres, Ceph RGW and the local Inngest runner, with
// ARCHIVE_TIME_SCALE=3600 in the app's environment (scripts/test.ts): a standard Glacier retrieval (3 h) takes
// 3 s and a day's window 24 s. "Time passing" for the rules is the test moving a file's dates back in the
// database (as the owner role), as the trash test does with deletions.

type User = Awaited<ReturnType<typeof newUser>>;
let alice: User;
let bob: User;
let admin: Session;
const MiB = 1024 * 1024;

beforeAll(async () => {
  [alice, bob] = [await newUser(), await newUser()];
  admin = await adminSignIn();
  // The seeded rules, whatever an earlier test saved.
  const reset = await admin.json("/api/v1/lifecycle/policies", { method: "PUT", body: { policies: DEFAULT_ARCHIVE_POLICIES } });
  expect(reset.status, JSON.stringify(reset.body)).toBe(200);
});

async function upload(bytes: Buffer, name: string, session = alice.session): Promise<string> {
  const res = await apiUpload(session, { name, type: "image/jpeg", bytes });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(await waitUntilProcessed(res.body.fileId)).toBe("ready");
  return res.body.fileId;
}

/** Moves a file's upload and last read back in time (days ago; null: never read), and optionally its size. */
async function age(fileId: string, f: { createdDaysAgo: number; readDaysAgo: number | null; size?: number; legalHold?: boolean }) {
  await ownerSql()`update files set
    created_at = now() - make_interval(days => ${f.createdDaysAgo}),
    last_accessed_at = ${f.readDaysAgo === null ? null : ownerSql()`now() - make_interval(days => ${f.readDaysAgo})`},
    size = coalesce(${f.size ?? null}::bigint, size),
    legal_hold = ${f.legalHold ?? false}
    where id = ${fileId}`;
}

async function objectKeyOf(fileId: string): Promise<string> {
  const [v] = await testSql()`select object_key from file_versions where file_id = ${fileId}`;
  return v.object_key as string;
}

async function storageClass(key: string): Promise<string> {
  return (await testS3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).StorageClass ?? "STANDARD";
}

async function fileRow(fileId: string) {
  const [row] = await testSql()`select storage_tier, archive_rule_id, archived_at, last_accessed_at from files where id = ${fileId}`;
  return row;
}

/** "Run now", then the run's record once the workflow has finished it. */
function runArchive(): Promise<FinishedRun> {
  return runLifecycle(admin, "archive");
}

async function download(session: Session, fileId: string) {
  const res = await session.fetch(`/api/v1/files/${fileId}/download`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, json: () => JSON.parse(bytes.toString()) };
}

describe("policies and runs (admins only)", () => {
  it("validates the rules, saves an edit, and refuses other roles and the kinds that do not exist yet", async () => {
    const listed = await admin.json("/api/v1/lifecycle/policies");
    expect(listed.body.policies.map((p: { id: string }) => p.id)).toEqual(DEFAULT_ARCHIVE_POLICIES.map((p) => p.id));

    const noCondition = await admin.json("/api/v1/lifecycle/policies", {
      method: "PUT", body: { policies: [{ ...DEFAULT_ARCHIVE_POLICIES[0], minAgeDays: null, minUnreadDays: null }] },
    });
    expect(noCondition.status).toBe(400);
    expect(noCondition.body.error.code).toBe("validation_failed");
    const badClass = await admin.json("/api/v1/lifecycle/policies", { method: "PUT", body: { policies: [{ ...DEFAULT_ARCHIVE_POLICIES[0], destination: "ICE" }] } });
    expect(badClass.status).toBe(400);

    const edited = DEFAULT_ARCHIVE_POLICIES.map((p) => (p.id === "archive-large-files" ? { ...p, enabled: false, minSizeBytes: 200 * MiB } : p));
    const saved = await admin.json("/api/v1/lifecycle/policies", { method: "PUT", body: { policies: edited } });
    expect(saved.status).toBe(200);
    expect(saved.body.policies.find((p: { id: string }) => p.id === "archive-large-files")).toMatchObject({ enabled: false, minSizeBytes: 200 * MiB });
    const [audit] = await testSql()`select details from audit_events where action = 'lifecycle.policies.update' order by id desc limit 1`;
    expect((audit.details as { after: { enabled: boolean }[] }).after[2].enabled).toBe(false);
    expect((await admin.json("/api/v1/lifecycle/policies", { method: "PUT", body: { policies: DEFAULT_ARCHIVE_POLICIES } })).status).toBe(200);

    expect((await alice.session.json("/api/v1/lifecycle/policies")).status).toBe(403);
    expect((await alice.session.json("/api/v1/lifecycle/runs", { method: "POST", body: { kind: "archive" } })).status).toBe(403);
    // Every kind runs now (archive, retention, reconcile); anything else is refused by validation.
    const unknown = await admin.json("/api/v1/lifecycle/runs", { method: "POST", body: { kind: "compact" } });
    expect(unknown.status).toBe(400);
  });
});

describe("the archive run, downloads and retrievals", () => {
  const f: Record<string, string> = {};
  const bytes: Record<string, Buffer> = {};

  beforeAll(async () => {
    for (const name of ["oldUnread", "veryOld", "large", "inactive", "resumed", "readRecently", "largeYoung", "held", "sharedOld", "sharedYoung"]) {
      bytes[name] = name === "sharedYoung" ? bytes.sharedOld : fakeJpeg(3000);
      f[name] = await upload(bytes[name], `archive-${name}.jpg`);
    }
    // What each seeded rule selects…
    await age(f.oldUnread, { createdDaysAgo: 100, readDaysAgo: 40 }); // archive-old-files → GLACIER
    await age(f.veryOld, { createdDaysAgo: 400, readDaysAgo: 1 }); // archive-very-old-files → DEEP_ARCHIVE
    await age(f.large, { createdDaysAgo: 35, readDaysAgo: 1, size: 150 * MiB }); // archive-large-files → GLACIER
    await age(f.inactive, { createdDaysAgo: 70, readDaysAgo: null }); // archive-inactive-files → GLACIER (never read: from its upload)
    await age(f.resumed, { createdDaysAgo: 100, readDaysAgo: 40 });
    // …and what none does: read 10 days ago, large but young, under legal hold, content shared with a young file.
    await age(f.readRecently, { createdDaysAgo: 100, readDaysAgo: 10 });
    await age(f.largeYoung, { createdDaysAgo: 20, readDaysAgo: null, size: 150 * MiB });
    await age(f.held, { createdDaysAgo: 400, readDaysAgo: null, legalHold: true });
    await age(f.sharedOld, { createdDaysAgo: 400, readDaysAgo: null });
    // A run that died after copying "resumed" to GLACIER and before recording it.
    const key = await objectKeyOf(f.resumed);
    await testS3().send(new CopyObjectCommand({ Bucket: BUCKET, Key: key, CopySource: `${BUCKET}/${key}`, StorageClass: "GLACIER", MetadataDirective: "COPY" }));
  }, 180_000);

  it("moves exactly what each seeded rule selects (HeadObject shows the class), keeps variants hot, and a second run moves nothing", async () => {
    const run = await runArchive();
    const want: Record<string, [string, string]> = {
      oldUnread: ["GLACIER", "archive-old-files"],
      veryOld: ["DEEP_ARCHIVE", "archive-very-old-files"],
      large: ["GLACIER", "archive-large-files"],
      inactive: ["GLACIER", "archive-inactive-files"],
      resumed: ["GLACIER", "archive-old-files"],
    };
    for (const [name, id] of Object.entries(f)) {
      const row = await fileRow(id);
      const cls = await storageClass(await objectKeyOf(id));
      if (want[name]) {
        expect({ name, cls, rule: row.archive_rule_id, tier: row.storage_tier }).toEqual({
          name, cls: want[name][0], rule: want[name][1], tier: want[name][0] === "GLACIER" ? "archive" : "deep_archive",
        });
      } else {
        expect({ name, cls, tier: row.storage_tier }).toEqual({ name, cls: "STANDARD", tier: "standard" });
      }
    }
    // Thumbnails and previews stay hot, so the grid never breaks.
    const [variant] = await testSql()`select v.object_key from file_variants v join file_versions fv on fv.id = v.version_id where fv.file_id = ${f.oldUnread} and v.name = 'thumbnail'`;
    expect(await storageClass(variant.object_key as string)).toBe("STANDARD");
    expect((await alice.session.fetch(`/api/v1/files/${f.oldUnread}/download?variant=thumbnail`)).status).toBe(200);

    expect(run.counts.moved).toBeGreaterThanOrEqual(5);
    expect(run.counts.byRule["archive-very-old-files"]).toBeGreaterThanOrEqual(1);
    // The interrupted move was finished without copying again; the shared content was left hot and counted.
    expect(run.counts.objectsAlreadyInClass).toBeGreaterThanOrEqual(1);
    expect(run.counts.skippedShared).toBeGreaterThanOrEqual(1);
    const [audit] = await testSql()`select details from audit_events where action = 'file.archive' and file_id = ${f.resumed}`;
    expect(audit.details).toMatchObject({ storageClass: "GLACIER", rule: "archive-old-files", copied: 0 });
    expect(await testSql()`select 1 from audit_events where action = 'file.archive' and file_id = ${f.veryOld}`).toHaveLength(1);

    const listed = await alice.session.json(`/api/v1/files/${f.veryOld}`);
    expect(listed.body).toMatchObject({ storageClass: "DEEP_ARCHIVE", storageTier: "deep_archive", archiveRule: "archive-very-old-files" });

    const second = await runArchive();
    expect(second.counts.moved).toBe(0);
    expect(await testSql()`select 1 from audit_events where action = 'file.archive' and file_id = ${f.veryOld}`).toHaveLength(1);
  }, 300_000);

  it("refuses an archived original with 409 file_archived naming how to retrieve it; another user gets 404", async () => {
    const res = await download(alice.session, f.oldUnread);
    expect(res.status).toBe(409);
    expect(res.json().error.code).toBe("file_archived");
    expect(res.json().error.message).toContain(`/api/v1/files/${f.oldUnread}/retrievals`);
    expect((await alice.session.fetch(`/api/v1/files/${f.oldUnread}/download?format=png`)).status).toBe(409);
    expect((await alice.session.fetch(`/api/v1/files/${f.oldUnread}/download?redirect=true`)).status).toBe(409);
    expect((await download(bob.session, f.oldUnread)).status).toBe(404);
    expect((await bob.session.json(`/api/v1/files/${f.oldUnread}/retrievals`, { method: "POST", body: { tier: "standard", days: 1 } })).status).toBe(404);
    // Deep Archive has no expedited tier; a hot file needs no retrieval.
    const expedited = await alice.session.json(`/api/v1/files/${f.veryOld}/retrievals`, { method: "POST", body: { tier: "expedited", days: 1 } });
    expect(expedited.status).toBe(422);
    expect((await alice.session.json(`/api/v1/files/${f.readRecently}/retrievals`, { method: "POST", body: { tier: "standard", days: 1 } })).body.error.code).toBe("file_not_archived");
  });

  it("a standard retrieval becomes ready after its scaled delay, downloads bit-identical, then the file is archived again", async () => {
    const requested = await alice.session.json(`/api/v1/files/${f.oldUnread}/retrievals`, { method: "POST", body: { tier: "standard", days: 1 } });
    expect(requested.status, JSON.stringify(requested.body)).toBe(202);
    expect(requested.body).toMatchObject({ tier: "standard", status: "pending", storageClass: "GLACIER", days: 1 });
    expect(requested.body.estimatedCost).toBeGreaterThan(0);
    // 3 hours at a scale of 3600: about three seconds after the request.
    const eta = Date.parse(requested.body.estimatedReadyAt) - Date.now();
    expect(eta).toBeGreaterThan(0);
    expect(eta).toBeLessThanOrEqual(3_000);
    const id = requested.body.retrievalId as string;
    expect((await alice.session.json(`/api/v1/files/${f.oldUnread}/retrievals`, { method: "POST", body: { tier: "bulk", days: 1 } })).body.error.code).toBe("retrieval_exists");
    expect((await bob.session.json(`/api/v1/retrievals/${id}`)).status).toBe(404);
    expect((await bob.session.json("/api/v1/retrievals")).body.retrievals).toEqual([]);

    const pending = await download(alice.session, f.oldUnread);
    const stillPending = (await alice.session.json(`/api/v1/retrievals/${id}`)).body.status === "pending";
    if (stillPending) expect(pending.status).toBe(409);

    expect(await waitForStatus(async () => (await alice.session.json(`/api/v1/retrievals/${id}`)).body.status, "ready", 60_000)).toBe("ready");
    const ready = await download(alice.session, f.oldUnread);
    expect(ready.status).toBe(200);
    expect(sha256(ready.bytes)).toBe(sha256(bytes.oldUnread));
    expect(await storageClass(await objectKeyOf(f.oldUnread))).toBe("STANDARD");
    const admins = await admin.json(`/api/v1/retrievals?fileId=${f.oldUnread}`);
    expect(admins.body.retrievals.map((r: { retrievalId: string }) => r.retrievalId)).toEqual([id]);

    // One day at the same scale: 24 s, then the content goes back to GLACIER and downloads are refused again.
    expect(await waitForStatus(async () => (await alice.session.json(`/api/v1/retrievals/${id}`)).body.status, "expired", 90_000)).toBe("expired");
    expect((await download(alice.session, f.oldUnread)).status).toBe(409);
    expect(await storageClass(await objectKeyOf(f.oldUnread))).toBe("GLACIER");
    const actions = (await testSql()`select action from audit_events where file_id = ${f.oldUnread} and action like 'file.%' order by id`).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["file.archive", "file.retrieval.request", "file.retrieval.ready"]));
    expect(actions.filter((a) => a === "file.archive")).toHaveLength(2);
  }, 180_000);

  it("a new upload of archived content keeps its own hot copy instead of sharing the cold one", async () => {
    const again = await upload(bytes.veryOld, "archive-again.jpg", bob.session);
    expect(await objectKeyOf(again)).toMatch(/^originals\//);
    expect(await storageClass(await objectKeyOf(again))).toBe("STANDARD");
    const res = await download(bob.session, again);
    expect(res.status).toBe(200);
    expect(sha256(res.bytes)).toBe(sha256(bytes.veryOld));
  });
});

describe("lastAccessedAt", () => {
  it("is recorded off the request path and at most once an hour per file", async () => {
    const a = await upload(fakeJpeg(1500), "touch-a.jpg");
    expect((await fileRow(a)).last_accessed_at).toBeNull();
    expect((await download(alice.session, a)).status).toBe(200);
    expect(await waitForStatus(async () => String((await fileRow(a)).last_accessed_at !== null), "true", 30_000)).toBe("true");
    const first = (await fileRow(a)).last_accessed_at as Date;
    // Read again (a download, a preview) and then read another file: once the second file's time is written,
    // any write the repeated reads caused would have been written too.
    expect((await download(alice.session, a)).status).toBe(200);
    expect((await alice.session.fetch(`/api/v1/files/${a}/download?variant=preview`)).status).toBe(200);
    const b = await upload(fakeJpeg(1500), "touch-b.jpg");
    expect((await alice.session.fetch(`/api/v1/files/${b}/download?variant=preview`)).status).toBe(200);
    expect(await waitForStatus(async () => String((await fileRow(b)).last_accessed_at !== null), "true", 30_000)).toBe("true");
    expect(((await fileRow(a)).last_accessed_at as Date).getTime()).toBe(first.getTime());
  });
});
