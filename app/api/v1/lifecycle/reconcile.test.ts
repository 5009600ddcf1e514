import { randomUUID } from "node:crypto";
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { BUCKET, testS3, testSql, waitForStatus, waitUntilProcessed } from "@/scripts/testing/backends";
import { runLifecycle, type FinishedRun } from "@/scripts/testing/lifecycle";
import { adminSignIn, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { fakeJpeg } from "@/scripts/testing/fixtures";

// Reconciliation (issue 9, L5) against the real app, Postgres, Ceph RGW and the local Inngest runner. S3's
// LastModified cannot be moved back, so the runs here ask for a grace of 0 hours (admins may, per run).

type User = Awaited<ReturnType<typeof newUser>>;
let alice: User;
let admin: Session;

beforeAll(async () => {
  alice = await newUser();
  admin = await adminSignIn();
});

function runReconcile(): Promise<FinishedRun> {
  return runLifecycle(admin, "reconcile", { graceHours: 0 });
}

async function exists(key: string): Promise<boolean> {
  return testS3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => true, () => false);
}

describe("reconciliation", () => {
  it("is refused to non-admins and validates its input", async () => {
    const refused = await alice.session.json("/api/v1/lifecycle/runs", { method: "POST", body: { kind: "reconcile", graceHours: 0 } });
    expect(refused.status).toBe(403);
    const bad = await admin.json("/api/v1/lifecycle/runs", { method: "POST", body: { kind: "reconcile", graceHours: -1 } });
    expect(bad.status).toBe(400);
    const wrongKind = await admin.json("/api/v1/lifecycle/runs", { method: "POST", body: { kind: "archive", graceHours: 0 } });
    expect(wrongKind.status).toBe(400);
    const notRun = await admin.json(`/api/v1/lifecycle/runs/${randomUUID()}/delete-orphans`, { method: "POST", body: {} });
    expect(notRun.status).toBe(404);
  });

  it("finds an orphan and a missing object, deletes the orphan on request, and reports nothing new the second time", async () => {
    const orphanKey = `originals/${randomUUID()}/${randomUUID()}`;
    await testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: orphanKey, Body: Buffer.from("stray bytes") }));

    const up = await apiUpload(alice.session, { name: "gone.jpg", type: "image/jpeg", bytes: fakeJpeg(4321) });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const fileId = up.body.fileId as string;
    expect(await waitUntilProcessed(fileId)).toBe("ready");
    const [version] = await testSql()`select id, object_key from file_versions where file_id = ${fileId}`;
    await testS3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: version.object_key }));

    const first = await runReconcile();
    expect(first.counts.graceHours).toBe(0);
    expect(first.counts.orphanObjects.map((o: { key: string }) => o.key)).toContain(orphanKey);
    const missing = first.counts.missingObjects.find((m: { key: string }) => m.key === version.object_key);
    expect(missing, JSON.stringify(first.counts.missingObjects)).toMatchObject({ kind: "version", fileId, versionId: version.id, new: true });
    const [marked] = await testSql()`select object_missing_at from file_versions where id = ${version.id}`;
    expect(marked.object_missing_at).not.toBeNull();

    const detail = await alice.session.json(`/api/v1/files/${fileId}`);
    expect(detail.body.versions[0]).toMatchObject({ current: true, missing: true });
    // A download of the missing file is a clear refusal, not a 500.
    const download = await alice.session.fetch(`/api/v1/files/${fileId}/download`);
    expect(download.status).toBe(409);
    expect((await download.json()).error.code).toBe("file_missing");

    // Missing content is an operations alert (critical), opened by the next evaluation of the rules.
    expect((await admin.json("/api/v1/alerts/evaluate", { method: "POST" })).status).toBe(202);
    const opened = await waitForStatus(async () => {
      const { body } = await admin.json("/api/v1/alerts?status=active&limit=200");
      return String((body.alerts as { rule: string; severity: string }[]).some((a) => a.rule === "missing-objects" && a.severity === "critical"));
    }, "true", 30_000);
    expect(opened).toBe("true");

    // The admin's choice: only then is the orphan deleted, and audited.
    const refused = await alice.session.json(`/api/v1/lifecycle/runs/${first.id}/delete-orphans`, { method: "POST", body: {} });
    expect(refused.status).toBe(403);
    expect(await exists(orphanKey)).toBe(true);
    const deleted = await admin.json(`/api/v1/lifecycle/runs/${first.id}/delete-orphans`, { method: "POST", body: { keys: [orphanKey] } });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body.deleted).toEqual([orphanKey]);
    expect(await exists(orphanKey)).toBe(false);
    const audit = await testSql()`select details from audit_events where action = 'lifecycle.orphans.delete' and details->>'runId' = ${first.id}`;
    expect(audit.length).toBe(1);
    expect(audit[0].details.deleted).toEqual([orphanKey]);
    const after = (await admin.json(`/api/v1/lifecycle/runs/${first.id}`)).body;
    expect(after.counts.orphanObjects.find((o: { key: string }) => o.key === orphanKey).deletedAt).toBeTruthy();

    const second = await runReconcile();
    expect(second.counts.orphanObjects.map((o: { key: string }) => o.key)).not.toContain(orphanKey);
    const again = second.counts.missingObjects.find((m: { key: string }) => m.key === version.object_key);
    expect(again).toMatchObject({ new: false });
    expect(second.counts.missingNew).toBe(0);
  });
});
