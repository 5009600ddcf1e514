// The dashboard's "last backup" (GET /api/v1/admin/overview → lastBackup) against the running app: the newest
// set that ended, completed or failed, with its size (objects and database dump).
import { beforeAll, describe, expect, it } from "vitest";
import { testSql } from "@/scripts/testing/backends";
import type { BackupSetView } from "@/lib/backup/serialize";
import { startBackup, waitForBackup } from "@/scripts/testing/backup-runs";
import { adminSignIn, type Session } from "@/scripts/testing/client";

describe("GET /api/v1/admin/overview lastBackup", () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await adminSignIn();
  });

  it("is the newest completed or failed set: when it ended, its status and bytes", async () => {
    const newest = async () =>
      (await testSql()<{ id: string }[]>`select id from backup_sets where status in ('completed', 'failed') order by started_at desc limit 1`)[0]?.id;
    // A set an earlier test file left serves; without one, a full backup is made.
    const id = (await newest()) ?? (await waitForBackup(admin, await startBackup(admin, "full"))).id;
    const set = (await admin.json(`/api/v1/backups/${id}`)).body as BackupSetView;
    const res = await admin.json("/api/v1/admin/overview");
    expect(res.status).toBe(200);
    expect(await newest(), "no other set ended meanwhile").toBe(id);
    expect(res.body.lastBackup).toEqual({ finishedAt: new Date(set.finishedAt ?? set.startedAt).toISOString(), status: set.status, bytes: set.bytesTotal + set.databaseBytes });
  });
});
