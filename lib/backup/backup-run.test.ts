// Backup runs (B1, B3's verification) against the running app, the real Ceph backup bucket and Postgres:
// a full, then an incremental that copies only the content uploaded since.
import { beforeAll, describe, expect, it } from "vitest";
import { contentKey, tableDumpKey } from "@/lib/backup/format";
import { readBackupObject, readManifestFromStore, startBackup, waitForBackup } from "@/scripts/testing/backup-runs";
import { testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { adminSignIn, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { makeJpeg, sha256 } from "@/scripts/testing/fixtures";

let admin: Session;
let owner: Awaited<ReturnType<typeof newUser>>;

async function upload(name: string): Promise<string> {
  const res = await apiUpload(owner.session, { name, type: "image/jpeg", bytes: await makeJpeg(96, 64, Math.random()) });
  expect(res.status).toBe(201);
  expect(await waitUntilProcessed(res.body.fileId)).toBe("ready");
  return res.body.fileId as string;
}

/** Every object key a file's rows name (versions' objects and variants), with its size. */
async function objectsOf(fileIds: string[]): Promise<Map<string, number>> {
  const rows = await testSql()`
    select v.object_key as key, v.size from file_versions v where v.file_id = any(${fileIds})
    union select fv.object_key, fv.size from file_variants fv join file_versions v on v.id = fv.version_id where v.file_id = any(${fileIds})`;
  return new Map(rows.map((r) => [r.key as string, Number(r.size)]));
}

beforeAll(async () => {
  admin = await adminSignIn();
  owner = await newUser();
});

describe("backup runs", () => {
  it("refuses a manual run to a non-admin, and an unknown type", async () => {
    expect((await owner.session.json("/api/v1/backups", { method: "POST", body: { type: "full" } })).status).toBe(403);
    expect((await admin.json("/api/v1/backups", { method: "POST", body: { type: "weekly" } })).status).toBe(400);
  });

  it("takes a full, then an incremental that copies exactly the content uploaded since; each manifest lists every object", async () => {
    const before = [await upload("backup-a.jpg"), await upload("backup-b.jpg"), await upload("backup-c.jpg")];
    const fullId = await startBackup(admin, "full");
    const full = await waitForBackup(admin, fullId);
    expect(full).toMatchObject({ id: fullId, type: "full", status: "completed", verification: "passed", trigger: "manual", error: null });
    expect(full.epochAt).toEqual(expect.any(String));
    expect(full.durationMs).toBeGreaterThanOrEqual(0);

    const fullManifest = (await readManifestFromStore(fullId))!;
    expect(fullManifest).not.toBeNull();
    expect(fullManifest.type).toBe("full");
    expect(fullManifest.lastMigration).toMatch(/^\d{4}_/);
    expect(fullManifest.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const listed = new Map(fullManifest.objects.map((o) => [o.key, o]));
    for (const [key, size] of await objectsOf(before)) {
      expect(listed.get(key)?.size, key).toBe(size);
    }
    // Every object the database names at the epoch is in the manifest (this test's files and every other's).
    const [{ n }] = await testSql()`
      select count(distinct key)::int as n from (select object_key as key from file_versions where object_missing_at is null
        union select object_key from blobs union select object_key from file_variants) k`;
    expect(fullManifest.objects.length).toBeLessThanOrEqual(n);
    expect(fullManifest.objects.length).toBe(full.objects);
    // The tables: files among them, with the rows the snapshot saw, and a dump in the store.
    const filesTable = fullManifest.tables.find((t) => t.name === "files")!;
    expect(filesTable.rows).toBeGreaterThanOrEqual(3);
    expect(await readBackupObject(tableDumpKey(fullId, "files"))).not.toBeNull();
    expect(fullManifest.tables.findIndex((t) => t.name === "users")).toBeLessThan(fullManifest.tables.findIndex((t) => t.name === "files"));
    // An original is in the store, bit for bit.
    const [original] = await testSql()`select v.object_key, v.checksum_sha256 from file_versions v where v.file_id = ${before[0]}`;
    const stored = await readBackupObject(contentKey(listed.get(original.object_key)!.sha256));
    expect(sha256(stored!)).toBe(original.checksum_sha256);

    const after = [await upload("backup-d.jpg"), await upload("backup-e.jpg")];
    const incId = await startBackup(admin, "incremental");
    const inc = await waitForBackup(admin, incId);
    expect(inc).toMatchObject({ type: "incremental", status: "completed", verification: "passed", baseSetId: fullId });
    const incManifest = (await readManifestFromStore(incId))!;
    expect(incManifest.baseSetId).toBe(fullId);
    const incListed = new Map(incManifest.objects.map((o) => [o.key, o]));
    // Every object of every file, old and new, is listed; the old ones as copied by the full.
    for (const [key] of await objectsOf(before)) expect(incListed.get(key)?.copiedIn, key).toBe(fullId);
    const newObjects = await objectsOf(after);
    for (const [key, size] of newObjects) expect(incListed.get(key), key).toMatchObject({ size, copiedIn: incId });
    // Bytes copied: exactly the content the full did not hold (the new files' objects, once per content).
    const heldByFull = new Set(fullManifest.objects.map((o) => o.sha256));
    const newContent = new Map(incManifest.objects.filter((o) => !heldByFull.has(o.sha256)).map((o) => [o.sha256, o.size]));
    const newFilesContent = new Map([...newObjects.keys()].map((k) => [incListed.get(k)!.sha256, newObjects.get(k)!]));
    for (const sha of newFilesContent.keys()) expect(newContent.has(sha)).toBe(true);
    const expectedBytes = [...newContent.values()].reduce((a, b) => a + b, 0);
    expect(inc.bytesCopied).toBe(expectedBytes);
    expect(inc.objectsCopied).toBe(newContent.size);
    expect(inc.bytesCopied).toBeGreaterThanOrEqual([...newFilesContent.values()].reduce((a, b) => a + b, 0));
    expect(incManifest.totals.bytesCopied).toBe(inc.bytesCopied);
  }, 600_000);
});
