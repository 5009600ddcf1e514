// The wipe drill (issue 10's must-show): 30 files (images, a video, two versions of one, one in the trash, one
// archived), a full backup, 5 more files and an incremental; then EVERYTHING restored from the incremental
// with `npm run restore` into a fresh empty database and a fresh empty bucket (the shared test database and
// media bucket stay as they are), a second app started on them, and every row, object and audit link proven back.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFfmpeg, makeVideo } from "@/lib/processing/test-media";
import { ownerSql, testSql, waitUntilProcessed } from "@/scripts/testing/backends";
import { ADMIN, apiUpload, newUser, signIn } from "@/scripts/testing/client";
import { makeJpeg, sha256 } from "@/scripts/testing/fixtures";
import { freshBucket, freshDatabase, keysOf, runRestoreCommand, storeUrl, downloadSha } from "@/scripts/testing/restore";
import { startSecondApp, type SecondApp } from "@/scripts/testing/second-app";
import { BACKUP_BUCKET, backupKeyText, takeBackup } from "@/scripts/testing/backup-runs";

let user: Awaited<ReturnType<typeof newUser>>;
/** fileId → SHA-256 of each version's upload, in version order. */
const uploaded = new Map<string, string[]>();
let trashedId = "";
let archivedId = "";
let second: SecondApp | undefined;
let restoredSql: postgres.Sql | undefined;
const t0 = Date.now();
/** Where the long test is, in its output: a hang shows the last stage reached. */
const stage = (name: string) => console.log(`[wipe drill ${((Date.now() - t0) / 1000).toFixed(0)} s] ${name}`);

async function upload(name: string, type: string, bytes: Buffer): Promise<string> {
  const res = await apiUpload(user.session, { name, type, bytes });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  uploaded.set(res.body.fileId, [sha256(bytes)]);
  return res.body.fileId as string;
}

async function waitForVersion(fileId: string, version: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const [row] = await testSql()`select status from file_versions where file_id = ${fileId} and version = ${version}`;
    if (row && row.status !== "processing") return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`version ${version} of ${fileId} still processing`);
}

beforeAll(async () => {
  user = await newUser();
  ensureFfmpeg();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fv-wipe-"));
  const video = fs.readFileSync(await makeVideo({ file: path.join(dir, "clip.mp4"), width: 320, height: 240, seconds: 1 }));
  fs.rmSync(dir, { recursive: true, force: true });
  const ids: string[] = [];
  for (let i = 0; i < 29; i++) ids.push(await upload(`wipe-${i}.jpg`, "image/jpeg", await makeJpeg(48 + i, 40, i / 100)));
  ids.push(await upload("wipe-clip.mp4", "video/mp4", video));
  stage("uploaded 30");
  for (const id of ids) await waitUntilProcessed(id, 60_000);
  stage("processed 30");
  // Two versions of one file.
  const v2 = await makeJpeg(80, 60, 0.777);
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(v2)], { type: "image/jpeg" }), "wipe-0-v2.jpg");
  const added = await user.session.json(`/api/v1/files/${ids[0]}/versions`, { method: "POST", body: form });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  await waitForVersion(ids[0], 2);
  uploaded.get(ids[0])!.push(sha256(v2));
  // One in the trash, one archived (as the archive run records it).
  trashedId = ids[1];
  expect((await user.session.json(`/api/v1/files/${trashedId}`, { method: "DELETE" })).status).toBe(200);
  archivedId = ids[2];
  await ownerSql()`update files set storage_tier = 'archive', archived_at = now(), archive_rule_id = 'wipe-drill' where id = ${archivedId}`;
}, 300_000);

afterAll(async () => {
  await second?.stop();
  await restoredSql?.end({ timeout: 5 });
});

describe("the wipe drill", () => {
  it("restores everything from an incremental into an empty database and bucket, every row, object and audit link", async () => {
    stage("full backup");
    const full = await takeBackup("full");
    expect(full.status).toBe("completed");
    const more: string[] = [];
    for (let i = 0; i < 5; i++) more.push(await upload(`wipe-more-${i}.jpg`, "image/jpeg", await makeJpeg(30 + i, 30, 0.5 + i / 100)));
    for (const id of more) await waitUntilProcessed(id, 60_000);
    stage("incremental backup");
    const incremental = await takeBackup("incremental");
    expect(incremental.status).toBe("completed");
    expect(incremental.type).toBe("incremental");
    // It copied only new content: the 5 new originals and their variants, nowhere near everything.
    expect(incremental.objectsCopied).toBeGreaterThanOrEqual(5);
    expect(incremental.objectsCopied).toBeLessThan(incremental.objects);
    expect(incremental.bytesCopied).toBeLessThan(incremental.bytesTotal);

    // The state the incremental captured, to compare the restore with (nothing of this user changes after it).
    const source = testSql();
    const mine = async (s: postgres.Sql) => ({
      files: await s`select * from files where owner_id = ${user.id} order by id`,
      versions: await s`select v.* from file_versions v join files f on f.id = v.file_id where f.owner_id = ${user.id} order by v.id`,
      variants: await s`select x.* from file_variants x join file_versions v on v.id = x.version_id join files f on f.id = v.file_id where f.owner_id = ${user.id} order by x.version_id, x.name`,
    });
    const before = await mine(source);
    expect(before.files).toHaveLength(35);
    expect(before.versions).toHaveLength(36);
    expect(before.variants.length).toBeGreaterThanOrEqual(35);

    const db = await freshDatabase();
    const bucket = await freshBucket();
    const common = {
      BACKUP_S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID!,
      BACKUP_S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY!,
      BACKUP_ENCRYPTION_KEY: backupKeyText(),
      S3_ENDPOINT: process.env.S3_ENDPOINT!,
      S3_REGION: process.env.S3_REGION ?? "us-east-1",
      S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID!,
      S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY!,
      S3_SSE: process.env.S3_SSE ?? "AES256",
    };
    // `--set latest`: the newest set with a manifest, the incremental just taken.
    const args = ["--from", storeUrl(BACKUP_BUCKET), "--set", "latest", "--target-database", db.ownerUrl, "--target-bucket", bucket];
    // The wrong key, a bad store URL and missing arguments are refused before anything is written.
    stage("npm run restore (refusals)");
    const wrongKey = await runRestoreCommand(args, { ...common, BACKUP_ENCRYPTION_KEY: "ab".repeat(32) });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/not the one set .* was written with/);
    const badFrom = await runRestoreCommand(["--from", "http://example.test/bucket", "--set", "latest", "--target-database", db.ownerUrl, "--target-bucket", bucket], common);
    expect(badFrom.stderr).toMatch(/s3:\/\//);
    expect(badFrom.code).toBe(1);
    const missing = await runRestoreCommand(["--set", "latest"], common);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--from, --set and --target-database are required/);
    const untouched = postgres(db.ownerUrl, { max: 1, onnotice: () => {} });
    expect(await untouched`select tablename from pg_tables where schemaname = 'public'`).toHaveLength(0);
    await untouched.end({ timeout: 5 });
    expect(await keysOf(bucket)).toEqual([]);

    stage("npm run restore");
    const restored = await runRestoreCommand(args, common);
    console.log(restored.stdout);
    expect(restored.code, restored.stderr + restored.stdout).toBe(0);
    expect(restored.stdout).toMatch(/done: \d+ tables/);
    const summary = JSON.parse(restored.stdout.trim().split("\n").at(-1)!);
    expect(summary).toMatchObject({ setId: incremental.id, objects: incremental.objects });

    // A second run refuses: the database and the bucket are no longer empty.
    const again = await runRestoreCommand(args, common);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/not empty/);

    // Every row of the user's files, versions and variants is back, column for column.
    restoredSql = postgres(db.ownerUrl, { max: 2, onnotice: () => {} });
    const after = await mine(restoredSql);
    expect(after).toEqual(before);
    // Every table has the incremental's row count, and the audit log and its chain are the same rows.
    const manifestTables = summary.tables as number;
    expect(manifestTables).toBeGreaterThan(20);
    const [audit] = await restoredSql`select count(*)::int as n, max(id)::bigint as max from audit_events`;
    const [sourceAudit] = await source`select count(*)::int as n from audit_events where id <= ${audit.max}`;
    expect(audit.n).toBe(sourceAudit.n);
    const digest = (s: postgres.Sql, max: number) => s`select md5(string_agg(e::text, '|' order by e.id)) as d from audit_events e where e.id <= ${max}`;
    expect((await digest(restoredSql, audit.max))[0].d).toBe((await digest(source, audit.max))[0].d);
    // The chain is appended in seq order: the restored links are the first links of the live chain, exactly.
    const [{ head }] = await restoredSql`select max(seq)::bigint as head from audit_chain`;
    const chain = (s: postgres.Sql) => s`select md5(string_agg(c.seq || ':' || c.event_id || ':' || c.hash, '|' order by c.seq)) as d, count(*)::int as n from audit_chain c where c.seq <= ${head}`;
    const [restoredChain] = await chain(restoredSql);
    expect(restoredChain.n).toBeGreaterThan(0);
    expect(restoredChain.n).toBe(Number(head));
    expect(restoredChain).toEqual((await chain(source))[0]);
    // Sequences continue after the restored rows: a new audit row gets the next id.
    const [seq] = await restoredSql`select last_value::bigint as v from audit_events_id_seq`;
    expect(Number(seq.v)).toBe(Number(audit.max));

    // Every object the incremental lists is in the new bucket, and nothing else.
    const objectKeys = new Set([...after.versions.map((v) => v.object_key as string), ...after.variants.map((x) => x.object_key as string)]);
    const bucketKeys = new Set(await keysOf(bucket));
    for (const key of objectKeys) expect(bucketKeys.has(key), key).toBe(true);
    expect(bucketKeys.size).toBe(incremental.objects);

    // A second app on the restored database and bucket serves every original bit for bit, and the audit chain verifies.
    stage("second app");
    second = await startSecondApp({ DATABASE_URL: db.appUrl, S3_BUCKET: bucket });
    const session = await signIn(user.email, user.password, second.base);
    for (const [fileId, shas] of uploaded) {
      if (fileId === trashedId || fileId === archivedId) continue;
      for (const [i, sha] of shas.entries()) {
        const got = await downloadSha(session, fileId, i + 1);
        expect(got, `${fileId} v${i + 1}`).toEqual({ status: 200, sha256: sha });
      }
    }
    const list = await session.json("/api/v1/files?limit=100");
    expect(list.status).toBe(200);
    expect(list.body.files).toHaveLength(34);
    const trash = await session.json("/api/v1/trash");
    expect(trash.body.files.map((f: { fileId: string }) => f.fileId)).toContain(trashedId);
    const archived = await session.json(`/api/v1/files/${archivedId}`);
    expect(archived.body.storageTier).toBe("archive");
    stage("audit verify");
    const admin = await signIn(ADMIN.email, ADMIN.password, second.base);
    const verify = await admin.json("/api/v1/audit-events/verify");
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true });
    expect(verify.body.checked).toBeGreaterThanOrEqual(restoredChain.n);
  }, 600_000);
});
