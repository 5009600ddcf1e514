// `npm run restore -- --from <backup store> --set <id|latest> --target-database <url>`: the disaster case,
// without the app. Restores a set's database into an EMPTY database and its objects into an EMPTY bucket.
// Plain Node: lib/backup/format.ts, lib/backup/restore/{source,read,database,objects}.ts and drizzle's migrator,
// never lib/env.ts or a server-only module. README "Restore" has the steps.
import { parseArgs } from "node:util";
import postgres from "postgres";
import { parseEncryptionKey } from "../lib/backup/format";
import { restoreDatabase } from "../lib/backup/restore/database";
import { restoreObjects } from "../lib/backup/restore/objects";
import { assertKeyMatches, latestSetId, readManifest, RestoreError } from "../lib/backup/restore/read";
import { bucketAt, bucketIsEmpty, parseStoreUrl } from "../lib/backup/restore/source";
import { requestEncryptionOnWrites, type SseMode } from "../lib/storage/encryption";

const USAGE = `usage: npm run restore -- --from s3://<bucket>[/<prefix>]?endpoint=<url>&region=<region> --set <id|latest> --target-database <postgres url>
  [--target-bucket <name>] [--encryption-key <hex|base64>] [--skip-objects]
Backup store credentials: BACKUP_S3_ACCESS_KEY_ID / BACKUP_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
Target bucket: S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET (or --target-bucket), S3_SSE.
Key: --encryption-key or BACKUP_ENCRYPTION_KEY. The database URL is the schema owner's (migrations run as it).`;

function fail(message: string, code = 1): never {
  console.error(`restore: ${message}`);
  process.exit(code);
}

const { values } = parseArgs({
  options: {
    from: { type: "string" },
    set: { type: "string" },
    "target-database": { type: "string" },
    "target-bucket": { type: "string" },
    "encryption-key": { type: "string" },
    "skip-objects": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.from || !values.set || !values["target-database"]) fail(`--from, --set and --target-database are required\n${USAGE}`, 2);

const env = process.env;
const keyText = values["encryption-key"] ?? env.BACKUP_ENCRYPTION_KEY;
if (!keyText) fail("no encryption key: pass --encryption-key or set BACKUP_ENCRYPTION_KEY", 2);
const targetBucketName = values["target-bucket"] ?? env.S3_BUCKET;
if (!values["skip-objects"] && (!targetBucketName || !env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)) {
  fail("no target bucket: set S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and S3_BUCKET (or --target-bucket)", 2);
}

const started = Date.now();
const log = (line: string) => console.log(`[restore ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
const sql = postgres(values["target-database"], { max: 1, onnotice: () => {} });
try {
  const key = parseEncryptionKey(keyText);
  const store = bucketAt(
    parseStoreUrl(values.from, {
      accessKeyId: env.BACKUP_S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.BACKUP_S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY,
    }),
  );
  const setId = values.set === "latest" ? await latestSetId(store) : values.set;
  const manifest = await readManifest(store, setId);
  assertKeyMatches(manifest, key);
  log(`set ${manifest.setId} (${manifest.type}, epoch ${manifest.epoch}, migration ${manifest.lastMigration}): ${manifest.tables.length} tables, ${manifest.objects.length} objects, ${manifest.totals.bytes} bytes`);

  const target = values["skip-objects"]
    ? null
    : bucketAt({ endpoint: env.S3_ENDPOINT, region: env.S3_REGION ?? "us-east-1", bucket: targetBucketName!, accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! });
  if (target) {
    requestEncryptionOnWrites(target.client, (env.S3_SSE ?? "AES256") as SseMode, env.S3_SSE_KMS_KEY_ID);
    if (!(await bucketIsEmpty(target))) throw new RestoreError("target_not_empty", `the target bucket ${target.bucket} is not empty: restore everything only into an empty bucket`);
  }

  // Objects first: once the rows exist, every key they name is already there.
  if (target) {
    let lastLogged = 0;
    const objects = await restoreObjects(store, manifest.objects, target, (done, total) => {
      if (done === total || Date.now() - lastLogged > 2000) {
        lastLogged = Date.now();
        log(`objects ${done}/${total}`);
      }
    });
    log(`objects: ${objects.copied} copied (${objects.bytes} bytes), ${objects.present} already there`);
  }
  const db = await restoreDatabase(sql, store, manifest, key, (p) => {
    if (p.phase === "table") log(`table ${p.table}: ${p.rows} rows (${p.done}/${p.total})`);
    else log(`${p.phase}…`);
  });
  log(`done: ${db.tables} tables, ${db.rows} rows${target ? `, ${manifest.objects.length} objects in ${target.bucket}` : ""} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify({ setId: manifest.setId, epoch: manifest.epoch, tables: db.tables, rows: db.rows, objects: target ? manifest.objects.length : 0, durationMs: Date.now() - started }));
} catch (err) {
  await sql.end({ timeout: 5 }).catch(() => {});
  fail(err instanceof RestoreError ? `${err.message} (${err.code})` : (err as Error).message, err instanceof RestoreError && err.code === "target_not_empty" ? 3 : 1);
}
await sql.end({ timeout: 5 });
