// B3's verification and B5's status against the running app and the real Ceph backup bucket: the spec's status
// shape for a backup:read key (403 for files:read), and an object corrupted in the backup store (overwritten
// with the GOVERNANCE bypass, as only someone deliberately going around Object Lock could) failing the next
// run's verification, opening the backup-failure alert and sending the backup.failed webhook.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentKey } from "@/lib/backup/format";
import { BACKUP_BUCKET, backupS3, readBackupObject, readManifestFromStore, startBackup, waitForBackup } from "@/scripts/testing/backup-runs";
import { waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, apiUpload, BASE_URL, newUser, type Session } from "@/scripts/testing/client";
import { makeJpeg } from "@/scripts/testing/fixtures";

const received: { event: string; data: Record<string, unknown> }[] = [];
let receiver: Server;
let admin: Session;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  admin = await adminSignIn();
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

async function keyClient(scopes: string[]) {
  const system = await newUser("system");
  const created = await system.session.json("/api/v1/api-keys", { method: "POST", body: { name: `backup ${scopes.join(" ")}`, scopes } });
  expect(created.status).toBe(201);
  return (path: string) => fetch(`${BASE_URL}${path}`, { headers: { authorization: `Bearer ${created.body.secret}` } });
}

/** Replaces every version of a backup object by `bytes`: only possible with the governance bypass. */
async function overwriteWithBypass(key: string, bytes: Buffer) {
  const versions = await backupS3().send(new ListObjectVersionsCommand({ Bucket: BACKUP_BUCKET, Prefix: key }));
  for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].filter((v) => v.Key === key)) {
    await backupS3().send(new DeleteObjectCommand({ Bucket: BACKUP_BUCKET, Key: key, VersionId: v.VersionId, BypassGovernanceRetention: true }));
  }
  await backupS3().send(new PutObjectCommand({ Bucket: BACKUP_BUCKET, Key: key, Body: bytes }));
}

describe("backup status and verification", () => {
  it("answers GET /api/v1/files/backup/status in the spec's exact shape for a backup:read key, and 403 for a files:read key", async () => {
    const owner = await newUser();
    const up = await apiUpload(owner.session, { name: "status.jpg", type: "image/jpeg", bytes: await makeJpeg(40, 30, Math.random()) });
    await waitUntilProcessed(up.body.fileId);
    const id = await startBackup(admin, "full");
    const set = await waitForBackup(admin, id);
    expect(set.status).toBe("completed");

    const reader = await keyClient(["backup:read"]);
    const res = await reader("/api/v1/files/backup/status");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(["backupCount", "backupSize", "backupStatus", "lastBackup", "nextBackup"]);
    expect(body).toEqual({
      lastBackup: set.finishedAt,
      backupStatus: "success",
      backupSize: set.bytesTotal + set.databaseBytes,
      backupCount: expect.any(Number),
      nextBackup: expect.stringMatching(/T02:00:00\.000Z$/),
    });
    expect(body.backupCount).toBeGreaterThanOrEqual(1);

    const filesReader = await keyClient(["files:read"]);
    const refused = await filesReader("/api/v1/files/backup/status");
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("forbidden");
    // The history is for admins: a backup:read key may read the status only.
    expect((await reader("/api/v1/backups")).status).toBe(403);
  }, 300_000);

  it("fails verification when an object in the backup store was overwritten, opening backup-failure and sending backup.failed", async () => {
    const path = `/backup-${randomUUID()}`;
    const hook = await admin.json("/api/v1/webhooks", {
      method: "POST",
      body: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${path}`, description: "backup test", events: ["backup.failed"] },
    });
    expect(hook.status).toBe(201);

    const owner = await newUser();
    const up = await apiUpload(owner.session, { name: "to-corrupt.jpg", type: "image/jpeg", bytes: await makeJpeg(80, 60, Math.random()) });
    await waitUntilProcessed(up.body.fileId);
    const goodId = await startBackup(admin, "full");
    expect((await waitForBackup(admin, goodId)).verification).toBe("passed");
    const manifest = (await readManifestFromStore(goodId))!;
    const detail = await owner.session.json(`/api/v1/files/${up.body.fileId}`);
    const original = manifest.objects.find((o) => o.sha256 === detail.body.checksum)!;
    expect(original).toBeDefined();
    const key = contentKey(original.sha256);
    const genuine = (await readBackupObject(key))!;

    // Without the bypass, Object Lock refuses to delete the kept version.
    const versions = await backupS3().send(new ListObjectVersionsCommand({ Bucket: BACKUP_BUCKET, Prefix: key }));
    await expect(backupS3().send(new DeleteObjectCommand({ Bucket: BACKUP_BUCKET, Key: key, VersionId: versions.Versions![0].VersionId }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    const corrupted = Buffer.from(genuine);
    corrupted[corrupted.length >> 1] ^= 0xff;
    await overwriteWithBypass(key, corrupted);
    try {
      const badId = await startBackup(admin, "incremental");
      const bad = await waitForBackup(admin, badId);
      expect(bad).toMatchObject({ status: "failed", verification: "failed" });
      expect(bad.verificationError).toContain(key);
      expect(bad.error).toMatch(/Verification failed/);

      // The alert (the run asks for an evaluation as it ends) and its webhook.
      const deadline = Date.now() + 60_000;
      let alert: Record<string, any> | undefined;
      let delivery: (typeof received)[number] | undefined;
      while (Date.now() < deadline && !(alert && delivery)) {
        const alerts = await admin.json("/api/v1/alerts?status=all&limit=200");
        alert = alerts.body.alerts?.find((a: { rule: string; key: string }) => a.rule === "backup-failure" && a.key === badId);
        delivery = received.find((r) => r.event === "backup.failed" && r.data.setId === badId);
        if (!(alert && delivery)) await new Promise((r) => setTimeout(r, 250));
      }
      expect(alert).toMatchObject({ severity: "critical", status: "open" });
      expect(alert!.title).toMatch(/verification failed/);
      expect(delivery!.data).toMatchObject({ setId: badId, type: "incremental", failed: "verification", severity: "critical" });
      expect(String(delivery!.data.reason)).toContain(key);

      const reader = await keyClient(["backup:read"]);
      const status = await (await reader("/api/v1/files/backup/status")).json();
      expect(status.backupStatus).toBe("failed");
      expect(status.errors[0]).toContain(key);
    } finally {
      // Put the genuine bytes back: later runs (of any test file) share this content.
      await overwriteWithBypass(key, genuine);
    }
    // And the next run verifies again, which resolves the alert.
    const againId = await startBackup(admin, "full");
    expect(await waitForBackup(admin, againId)).toMatchObject({ status: "completed", verification: "passed" });
  }, 600_000);
});
