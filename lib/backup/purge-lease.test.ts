// The purge lease (lib/backup/lock.ts): while a backup runs, the object_deletions drain deletes nothing (the
// object it may still have to copy stays); once the run is over, the next drain deletes it. The running backup
// is played by this test: a `running` set row and the run's advisory lock held on a connection of its own.
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { deleteQueuedObjects } from "@/lib/files/release-storage";
import { BUCKET, testS3, testSql, waitForStatus } from "@/scripts/testing/backends";

const lockHolder = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });

afterAll(async () => {
  await lockHolder.end({ timeout: 5 });
});

async function exists(key: string): Promise<boolean> {
  return testS3().send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(() => true, () => false);
}

describe("the purge lease", () => {
  it("holds the deletion queue while a backup runs, and drains it after", async () => {
    const key = `originals/purge-lease-${crypto.randomUUID()}/v1`;
    await testS3().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "still needed by the backup" }));
    await testSql()`insert into object_deletions (object_key, reason) values (${key}, 'purge:lease-test')`;

    // No real backup may be running meanwhile (one at a time).
    await waitForStatus(async () => {
      const [row] = await testSql()`select count(*)::int as n from backup_sets where status in ('running', 'verifying')`;
      return row.n === 0 ? "idle" : "running";
    }, "idle", 180_000);
    const [held] = await lockHolder`select pg_try_advisory_lock(7310, 1) as ok`;
    expect(held.ok).toBe(true);
    const [set] = await testSql()`insert into backup_sets (type, trigger, progress) values ('full', 'manual', ${JSON.stringify({ phase: "copy", done: 0, total: 1 })}::jsonb) returning id`;
    try {
      const deferred = await deleteQueuedObjects({ keys: [key] });
      expect(deferred).toEqual({ deletedObjects: 0, deferredForBackup: true });
      expect(await exists(key)).toBe(true);
    } finally {
      await testSql()`delete from backup_sets where id = ${set.id}`;
      await lockHolder`select pg_advisory_unlock(7310, 1)`;
    }
    expect(await deleteQueuedObjects({ keys: [key] })).toEqual({ deletedObjects: 1 });
    expect(await exists(key)).toBe(false);
  });
});
