// A backup whose app process is killed half-way through the copy (B1): a second instance of the built app with
// a workflow runner of its own runs the backup one object per chunk, and is SIGKILLed once some chunks are done.
// The set must have no manifest, show `failed` (its lock died with the process), lose its partial prefix, and
// the next run (on the suite's app) must complete and verify.
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { manifestKey, setPrefix } from "@/lib/backup/format";
import { BACKUP_BUCKET, backupS3, readBackupObject, startBackup, waitForBackup } from "@/scripts/testing/backup-runs";
import { startLocalInngestRunner, type LocalInngestRunner } from "@/scripts/inngest-runner";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, apiUpload, newUser, sessionFromCookie } from "@/scripts/testing/client";
import { makeJpeg } from "@/scripts/testing/fixtures";
import { startSecondApp, type SecondApp } from "@/scripts/testing/second-app";
import { freePort } from "@/scripts/stack/proc";

let app: SecondApp | undefined;
let runner: LocalInngestRunner | undefined;

afterAll(async () => {
  await app?.stop();
  await runner?.stop();
});

async function keysUnder(prefix: string): Promise<string[]> {
  const page = await backupS3().send(new ListObjectsV2Command({ Bucket: BACKUP_BUCKET, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key!);
}

describe("a backup killed half-way", () => {
  it("leaves no manifest, shows failed, and the next run completes and verifies", async () => {
    const admin = await adminSignIn();
    const owner = await newUser();
    for (let i = 0; i < 4; i++) {
      const up = await apiUpload(owner.session, { name: `crash-${i}.jpg`, type: "image/jpeg", bytes: await makeJpeg(72, 48, Math.random()) });
      expect(await waitUntilProcessed(up.body.fileId)).toBe("ready");
    }
    // Nothing else running: this test's run must be the one killed.
    const idle = await startBackup(admin, "incremental");
    await waitForBackup(admin, idle);

    const port = await freePort();
    runner = await startLocalInngestRunner({ appUrl: `http://127.0.0.1:${port}`, log: () => {} });
    app = await startSecondApp({ INNGEST_DEV: "1", INNGEST_BASE_URL: runner.url, BACKUP_CHUNK_FILES: "1", BACKUP_PARALLEL_COPIES: "1" }, { port });
    const backupId = await startBackup(admin, "full", sessionFromCookie(admin.cookie, app.base));

    // Killed once the copy is under way and not finished: some chunks done, most not.
    let progress: { phase: string; done: number; total: number } | null = null;
    for (;;) {
      const [row] = await testSql()`select status, progress from backup_sets where id = ${backupId}`;
      progress = row.progress;
      expect(row.status).toBe("running");
      if (progress?.phase === "copy" && progress.done >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    app.signal("SIGKILL");
    await app.exited;
    await runner.stop();
    expect(progress!.done).toBeLessThan(progress!.total);
    // The snapshot's dumps were written; the commit marker never was.
    expect((await keysUnder(setPrefix(backupId))).length).toBeGreaterThan(0);
    expect(await readBackupObject(manifestKey(backupId))).toBeNull();

    // Its lock died with its process: the API shows it failed, and its partial prefix is gone.
    const dead = await waitForBackup(admin, backupId);
    expect(dead).toMatchObject({ status: "failed", verification: "pending" });
    expect(dead.error).toMatch(/died half-way/);
    expect(await keysUnder(setPrefix(backupId))).toEqual([]);

    const nextId = await startBackup(admin, "full");
    const next = await waitForBackup(admin, nextId);
    expect(next).toMatchObject({ status: "completed", verification: "passed" });
    expect(await readBackupObject(manifestKey(nextId))).not.toBeNull();
    const list = await admin.json("/api/v1/backups?limit=5");
    expect(list.body.data.find((s: { id: string }) => s.id === backupId)).toMatchObject({ status: "failed" });
  }, 300_000);
});
