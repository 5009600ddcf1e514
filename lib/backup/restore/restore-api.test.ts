// Restore by files (B4) and the restore drill (B3) through the API, on real backup runs, against the running
// app, Postgres and S3: a purged file comes back to its owner bit for bit with its audit rows; a dry run
// changes nothing; a file changed after the epoch is reported and left alone unless overwriteNewer; a drill
// passes on a good set and fails, with an alert, on a set whose object was corrupted; bad input is refused.
import { randomUUID } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentKey } from "@/lib/backup/format";
import { BUCKET, ownerSql, testS3, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { makeJpeg, sha256 } from "@/scripts/testing/fixtures";
import { downloadSha } from "@/scripts/testing/restore";
import { BACKUP_BUCKET, takeBackup, type TakenSet } from "@/scripts/testing/backup-runs";

let admin: Session;
let alice: Awaited<ReturnType<typeof newUser>>;
let set: TakenSet;
const files: Record<string, { id: string; sha: string; bytes: Buffer }> = {};
const insertedSets: string[] = [];

async function upload(label: string): Promise<void> {
  const bytes = await makeJpeg(70, 50, Math.random());
  const res = await apiUpload(alice.session, { name: `restore-${label}.jpg`, type: "image/jpeg", bytes }, { metadata: JSON.stringify({ cameraId: `cam-restore-${label}` }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  files[label] = { id: res.body.fileId, sha: sha256(bytes), bytes };
  await waitUntilProcessed(res.body.fileId, 60_000);
}

async function mediaHas(key: string): Promise<boolean> {
  return testS3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => true, () => false);
}

async function originalKey(fileId: string): Promise<string> {
  const [v] = await testSql()`select object_key from file_versions where file_id = ${fileId} order by version desc limit 1`;
  return v.object_key as string;
}

async function purge(fileId: string): Promise<void> {
  const res = await alice.session.json(`/api/v1/files/${fileId}?permanent=true`, { method: "DELETE" });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(await testSql()`select 1 from files where id = ${fileId}`).toHaveLength(0);
}

/** Starts a restore and waits for its job to finish. */
async function restore(body: unknown, setId = set.id) {
  const started = await admin.json(`/api/v1/backups/${setId}/restore`, { method: "POST", body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const id = started.body.restoreId as string;
  for (let i = 0; i < 600; i++) {
    const job = await admin.json(`/api/v1/restores/${id}`);
    expect(job.status).toBe(200);
    if (job.body.status === "completed" || job.body.status === "failed") return job.body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`restore ${id} did not finish`);
}

async function drill(setId: string): Promise<{ drill: string; drill_duration_ms: number | null; drill_error: string | null }> {
  const res = await admin.json(`/api/v1/backups/${setId}/drill`, { method: "POST" });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body).toEqual({ setId, drill: "pending" });
  for (let i = 0; i < 1200; i++) {
    const [row] = await testSql()`select drill::text, drill_duration_ms, drill_error from backup_sets where id = ${setId}`;
    if (row.drill !== "pending") return row as never;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the drill of ${setId} did not finish`);
}

/** Asks for an alert evaluation and waits until the backup-drill alert of `setId` has `status` (or gives the last seen). */
async function drillAlert(setId: string, status: "open" | "resolved"): Promise<{ status: string; details: Record<string, unknown> } | undefined> {
  expect((await admin.json("/api/v1/alerts/evaluate", { method: "POST" })).status).toBe(202);
  let found: { status: string; details: Record<string, unknown> } | undefined;
  for (let i = 0; i < 240; i++) {
    const res = await admin.json("/api/v1/alerts?status=all&limit=200");
    found = res.body.alerts.find((a: { rule: string; details: { setId?: string } }) => a.rule === "backup-drill" && a.details.setId === setId);
    if (found?.status === status) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  return found;
}

beforeAll(async () => {
  admin = await adminSignIn();
  alice = await newUser();
  for (const label of ["purged", "dry", "newer", "kept"]) await upload(label);
  set = await takeBackup("full");
  expect(set.status).toBe("completed");
}, 600_000);

afterAll(async () => {
  if (insertedSets.length) await ownerSql()`delete from backup_sets where id = any(${insertedSets}::uuid[])`;
});

describe("restore of files from a set", () => {
  it("brings a purged file back to its owner, bit for bit, with its versions, variants and a backup.restore audit row", async () => {
    const f = files.purged;
    const key = await originalKey(f.id);
    const [before] = await testSql()`select count(*)::int as n from file_variants x join file_versions v on v.id = x.version_id where v.file_id = ${f.id}`;
    await purge(f.id);
    expect(await mediaHas(key)).toBe(false);

    const job = await restore({ scope: { fileIds: [f.id] } });
    expect(job.status, job.error).toBe("completed");
    expect(job.result.files).toEqual([expect.objectContaining({ fileId: f.id, ownerId: alice.id, action: "restore", reason: "purged", versions: 1, variants: before.n })]);
    expect(job.result.totals).toMatchObject({ files: 1, versions: 1, skipped: 0 });
    expect(job.result.totals.objectsCopied).toBeGreaterThanOrEqual(1);

    expect(await mediaHas(key)).toBe(true);
    const detail = await alice.session.json(`/api/v1/files/${f.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.ownerId).toBe(alice.id);
    expect(await downloadSha(alice.session, f.id)).toEqual({ status: 200, sha256: f.sha });
    const [variants] = await testSql()`select count(*)::int as n from file_variants x join file_versions v on v.id = x.version_id where v.file_id = ${f.id}`;
    expect(variants.n).toBe(before.n);

    const perFile = await testSql()`select actor_id, details from audit_events where action = 'backup.restore' and file_id = ${f.id}`;
    expect(perFile).toHaveLength(1);
    expect(perFile[0].details).toMatchObject({ restoreId: job.id, setId: set.id, reason: "purged", ownerId: alice.id });
    const perJob = await testSql()`select details from audit_events where action = 'backup.restore' and file_id is null and details->>'restoreId' = ${job.id}`;
    expect(perJob).toHaveLength(1);
    expect(perJob[0].details).toMatchObject({ setId: set.id, scope: { fileIds: [f.id] }, totals: { files: 1 } });
    // The owner's usage counts the file again, and a second restore finds nothing to do.
    const again = await restore({ scope: { fileIds: [f.id] } });
    expect(again.result.files[0]).toMatchObject({ action: "skip", reason: "unchanged" });
  }, 300_000);

  it("a dry run lists what would be restored and changes nothing; a file changed after the epoch is reported and left alone", async () => {
    const gone = files.dry;
    const changed = files.newer;
    const key = await originalKey(gone.id);
    await purge(gone.id);
    const patched = await alice.session.json(`/api/v1/files/${changed.id}`, { method: "PATCH", body: { tags: ["changed-after-backup"] } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const auditBefore = await testSql()`select count(*)::int as n from audit_events where action = 'backup.restore'`;

    const dry = await restore({ scope: { fileIds: [gone.id, changed.id, files.kept.id] }, dryRun: true });
    expect(dry.status, dry.error).toBe("completed");
    expect(dry.dryRun).toBe(true);
    const byId = Object.fromEntries(dry.result.files.map((f: { fileId: string }) => [f.fileId, f]));
    expect(byId[gone.id]).toMatchObject({ action: "restore", reason: "purged" });
    expect(byId[changed.id]).toMatchObject({ action: "skip", reason: "newer", newer: true });
    expect(byId[files.kept.id]).toMatchObject({ action: "skip", reason: "unchanged" });
    expect(dry.result.totals).toMatchObject({ files: 1, skipped: 2, newer: 1, objectsCopied: 0 });
    // Nothing changed: no row, no object, no backup.restore audit row.
    expect(await testSql()`select 1 from files where id = ${gone.id}`).toHaveLength(0);
    expect(await mediaHas(key)).toBe(false);
    expect((await testSql()`select count(*)::int as n from audit_events where action = 'backup.restore'`)[0].n).toBe(auditBefore[0].n);

    // The same by camera: the scope finds the file by the camera it was uploaded with.
    const byCamera = await restore({ scope: { cameraId: "cam-restore-newer" }, dryRun: true });
    expect(byCamera.result.files.map((f: { fileId: string }) => f.fileId)).toEqual([changed.id]);

    // For real: the purged file comes back, the newer one is left as it is.
    const real = await restore({ scope: { fileIds: [gone.id, changed.id] } });
    expect(real.status, real.error).toBe("completed");
    expect(await downloadSha(alice.session, gone.id)).toEqual({ status: 200, sha256: gone.sha });
    expect((await alice.session.json(`/api/v1/files/${changed.id}`)).body.tags).toEqual(["changed-after-backup"]);

    // overwriteNewer: the set's version of the file wins, and says so.
    const overwrite = await restore({ scope: { fileIds: [changed.id] }, overwriteNewer: true });
    expect(overwrite.result.files[0]).toMatchObject({ action: "restore", reason: "overwrite_newer", newer: true });
    expect((await alice.session.json(`/api/v1/files/${changed.id}`)).body.tags).toEqual([]);
  }, 300_000);
});

describe("the restore drill", () => {
  it("fails, with the backup-drill alert, on a set whose object was corrupted, and passes on the good set", async () => {
    const sha = files.kept.sha;
    const location = contentKey(sha);
    const original = Buffer.from(await (await testS3().send(new GetObjectCommand({ Bucket: BACKUP_BUCKET, Key: location }))).Body!.transformToByteArray());
    expect(sha256(original)).toBe(sha);
    const corrupted = Buffer.from(original);
    corrupted[corrupted.length >> 1] ^= 0xff;
    await testS3().send(new PutObjectCommand({ Bucket: BACKUP_BUCKET, Key: location, Body: corrupted }));
    try {
      const failed = await drill(set.id);
      expect(failed.drill).toBe("failed");
      expect(failed.drill_error).toMatch(new RegExp(sha));
      expect(await drillAlert(set.id, "open")).toMatchObject({ status: "open", details: { setId: set.id } });
    } finally {
      await testS3().send(new PutObjectCommand({ Bucket: BACKUP_BUCKET, Key: location, Body: original }));
    }
    const passed = await drill(set.id);
    expect(passed).toMatchObject({ drill: "passed", drill_error: null });
    expect(passed.drill_duration_ms).toBeGreaterThan(0);
    // Nothing of the drill is left behind in the backup store.
    const left = await testS3().send(new ListObjectsV2Command({ Bucket: BACKUP_BUCKET, Prefix: "drill/" }));
    expect(left.KeyCount ?? 0).toBe(0);
    expect((await drillAlert(set.id, "resolved"))?.status).toBe("resolved");
  }, 600_000);
});

describe("bad input", () => {
  it("refuses an unknown set (404), a bad scope (400), a failed or unverified set (409), everything without dryRun (409), and non-admins (403)", async () => {
    const unknown = await admin.json(`/api/v1/backups/${randomUUID()}/restore`, { method: "POST", body: { scope: { fileIds: [randomUUID()] } } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    expect((await admin.json(`/api/v1/restores/${randomUUID()}`)).status).toBe(404);
    expect((await admin.json(`/api/v1/backups/${randomUUID()}/drill`, { method: "POST" })).status).toBe(404);

    for (const body of [{ scope: "everything" }, { scope: { cameraId: 5 } }, { scope: { fileIds: [] } }, { scope: { fileIds: ["nope"] } }, { scope: { capturedFrom: "2026-02-01T00:00:00Z", capturedTo: "2026-01-01T00:00:00Z" } }, { scope: { siteId: "a", eventId: "b" } }, {}, { scope: "all", dryRun: "yes" }]) {
      const res = await admin.json(`/api/v1/backups/${set.id}/restore`, { method: "POST", body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "validation_failed", message: expect.any(String) });
    }
    expect((await admin.json("/api/v1/backups/not-a-uuid/restore", { method: "POST", body: { scope: "all", dryRun: true } })).status).toBe(400);

    const everything = await admin.json(`/api/v1/backups/${set.id}/restore`, { method: "POST", body: { scope: "all" } });
    expect(everything.status).toBe(409);
    expect(everything.body.error.code).toBe("target_not_empty");

    const [failedSet] = await ownerSql()`insert into backup_sets (type, status, trigger, started_at, finished_at, error) values ('full', 'failed', 'manual', '2000-01-01', '2000-01-01', 'restore test') returning id`;
    const [unverified] = await ownerSql()`insert into backup_sets (type, status, trigger, started_at, finished_at, verification) values ('full', 'completed', 'manual', '2000-01-02', '2000-01-02', 'failed') returning id`;
    insertedSets.push(failedSet.id, unverified.id);
    for (const id of [failedSet.id, unverified.id]) {
      const res = await admin.json(`/api/v1/backups/${id}/restore`, { method: "POST", body: { scope: { fileIds: [files.kept.id] }, dryRun: true } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe("backup_not_restorable");
      expect((await admin.json(`/api/v1/backups/${id}/drill`, { method: "POST" })).status).toBe(409);
    }

    expect((await alice.session.json(`/api/v1/backups/${set.id}/restore`, { method: "POST", body: { scope: { fileIds: [files.kept.id] } } })).status).toBe(403);
    expect((await alice.session.json("/api/v1/restores")).status).toBe(403);

    const recent = await admin.json(`/api/v1/restores?setId=${set.id}`);
    expect(recent.status).toBe(200);
    expect(recent.body.data.length).toBeGreaterThanOrEqual(5);
    expect(recent.body.data.every((r: { setId: string }) => r.setId === set.id)).toBe(true);
  }, 120_000);
});
