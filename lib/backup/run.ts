import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { backupObjects, backupSets, type BackupSet } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { inngest } from "@/inngest/client";
import { alertsEvaluationRequested, backupRunRequested, trashPurgeRequested } from "@/inngest/events";
import { applyKeptManifests, recordCopyProgress } from "./copy";
import { contentKey, keyId, MANIFEST_FORMAT, parseEncryptionKey, setPrefix, type Manifest } from "./format";
import { holdRunLock, releaseRunLock, runLockHeldElsewhere, takePurgeLeaseExclusively } from "./lock";
import { keptSets, latestKeptFull, readManifests, writeManifest } from "./manifests";
import { applyRetention } from "./retention";
import { takeSnapshot, type Snapshot } from "./snapshot";
import { backupStore, backupStores, deleteAllVersions, putStream, readStream, retainUntil } from "./store";
import { verifySet } from "./verify";

export type BackupType = "full" | "incremental";

/** A set recorded but not yet started by its workflow; past this it counts as lost if nobody holds the lock. */
const QUEUED_GRACE_MS = 10 * 60_000;

const DIED = "The run died half-way (its process ended before the manifest was written); its partial set was removed.";

/**
 * Whether the set marked running is really running: its run holds the lock somewhere, or it was recorded
 * moments ago and its workflow has not started yet.
 */
async function isAlive(row: BackupSet): Promise<boolean> {
  if (await runLockHeldElsewhere(row.id)) return true;
  return row.progress?.phase === "queued" && Date.now() - row.startedAt.getTime() < QUEUED_GRACE_MS;
}

/**
 * A set left running by a run that died: marked failed, its partial prefix removed from the stores (the
 * content it copied stays, to be reused by hash or removed by retention), its work list dropped.
 */
async function failDeadRun(row: BackupSet): Promise<void> {
  const db = getDb();
  const [marked] = await db
    .update(backupSets)
    .set({ status: "failed", error: DIED, finishedAt: new Date(), progress: null })
    .where(and(eq(backupSets.id, row.id), inArray(backupSets.status, ["running", "verifying"])))
    .returning();
  if (!marked) return;
  logger.warn({ setId: row.id }, "backup run died half-way; marked failed");
  await cleanSet(row.id);
  await requestAlertEvaluation();
}

async function cleanSet(setId: string): Promise<void> {
  for (const store of backupStores()) await deleteAllVersions(store, setPrefix(setId));
  await getDb().delete(backupObjects).where(eq(backupObjects.setId, setId));
  await getDb().update(backupSets).set({ expiredAt: new Date() }).where(eq(backupSets.id, setId));
}

/**
 * Readers (the backup APIs) call this first: a set still marked running whose run is gone is shown as what it
 * is, failed, at once (and cleaned), rather than running until the next backup notices.
 */
export async function failDeadRuns(): Promise<void> {
  const [running] = await getDb().select().from(backupSets).where(inArray(backupSets.status, ["running", "verifying"]));
  if (running && !(await isAlive(running))) await failDeadRun(running);
}

/**
 * Records a new set (running, phase `queued`) for a manual or scheduled run. A live run makes it a 409
 * `backup_running`; a dead one is failed and cleaned first. The unique index on running sets keeps two
 * concurrent requests from both getting through.
 */
async function createSet(input: { type: BackupType; trigger: "manual" | "schedule"; requestedBy: string | null }, audit?: ServiceContext): Promise<BackupSet> {
  const db = getDb();
  const [running] = await db.select().from(backupSets).where(inArray(backupSets.status, ["running", "verifying"]));
  if (running) {
    if (await isAlive(running)) throw new ApiError(409, "backup_running", `A ${running.type} backup (${running.id}) is running; try again when it has finished.`);
    await failDeadRun(running);
  }
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(backupSets)
        .values({ type: input.type, trigger: input.trigger, requestedBy: input.requestedBy, progress: { phase: "queued", done: 0, total: 0 } })
        .returning();
      if (audit) await recordAuditEvent({ ...audit, tx }, { action: "backup.run.request", details: { setId: row.id, type: row.type } });
      return row;
    });
  } catch (err) {
    if ((err as { code?: string })?.code === "23505" || (err as { cause?: { code?: string } })?.cause?.code === "23505") {
      throw new ApiError(409, "backup_running", "A backup is running; try again when it has finished.");
    }
    throw err;
  }
}

/** `POST /api/v1/backups`: records the set and hands it to its workflow. */
export async function requestBackup(ctx: ServiceContext, input: { type: BackupType }): Promise<{ backupId: string }> {
  const requestedBy = ctx.actor.type === "user" || ctx.actor.type === "apiKey" ? ctx.actor.userId : null;
  const row = await createSet({ type: input.type, trigger: "manual", requestedBy }, ctx);
  await inngest.send(backupRunRequested.create({ setId: row.id }));
  return { backupId: row.id };
}

/** The schedule's first step: a new set, or null when a live run is still going (this slot is skipped). */
export async function createScheduledSet(type: BackupType): Promise<{ setId: string } | { skipped: string }> {
  try {
    const row = await createSet({ type, trigger: "schedule", requestedBy: null });
    return { setId: row.id };
  } catch (err) {
    if (err instanceof ApiError && err.code === "backup_running") return { skipped: err.message };
    throw err;
  }
}

export class BackupLockBusy extends Error {}
export class BackupSetGone extends Error {}

/**
 * The workflow's start: takes the run lock (held until the run ends), waits for hard deletes in flight (the
 * purge lease), and fixes the set's type: an incremental without a completed full to build on runs as a full.
 */
export async function startBackupRun(setId: string): Promise<{ setId: string; type: BackupType; baseSetId: string | null }> {
  if (!(await holdRunLock(setId))) throw new BackupLockBusy("Another process holds the backup lock; this step is retried.");
  const db = getDb();
  const [row] = await db.select().from(backupSets).where(eq(backupSets.id, setId));
  if (!row || !["running", "verifying"].includes(row.status)) {
    await releaseRunLock(setId);
    throw new BackupSetGone(`Backup set ${setId} is no longer running (${row?.status ?? "gone"}).`);
  }
  const base = row.type === "incremental" ? await latestKeptFull() : null;
  const type: BackupType = row.type === "incremental" && !base ? "full" : row.type;
  await db.transaction(async (tx) => {
    await takePurgeLeaseExclusively(tx);
    await tx
      .update(backupSets)
      .set({ type, baseSetId: base?.id ?? null, progress: { phase: "snapshot", done: 0, total: 0 } })
      .where(eq(backupSets.id, setId));
  });
  return { setId, type, baseSetId: base?.id ?? null };
}

/** Every later step: the lock must still be this run's (a resumed run takes it again), and the set still running. */
export async function continueBackupRun(setId: string): Promise<void> {
  if (!(await holdRunLock(setId))) throw new BackupLockBusy("Another process holds the backup lock; this step is retried.");
  const [row] = await getDb().select({ status: backupSets.status }).from(backupSets).where(eq(backupSets.id, setId));
  if (!row || !["running", "verifying"].includes(row.status)) {
    await releaseRunLock(setId);
    throw new BackupSetGone(`Backup set ${setId} is no longer running (${row?.status ?? "gone"}).`);
  }
}

/** The snapshot step: the epoch, the dumps and the work list; the row gets the epoch and the totals. */
export async function snapshotBackupSet(input: { setId: string; type: BackupType }): Promise<Snapshot> {
  await continueBackupRun(input.setId);
  const snapshot = await takeSnapshot(input);
  await getDb()
    .update(backupSets)
    .set({
      epochAt: new Date(snapshot.epoch),
      lsn: snapshot.lsn,
      lastMigration: snapshot.lastMigration,
      objects: snapshot.objects,
      bytesTotal: snapshot.bytesTotal,
      databaseBytes: snapshot.databaseBytes,
      progress: { phase: "copy", done: 0, total: snapshot.objects },
    })
    .where(eq(backupSets.id, input.setId));
  return snapshot;
}

/** After the snapshot: what the kept sets already hold; returns the number of copy chunks. */
export async function planBackupCopy(input: { setId: string; type: BackupType }): Promise<{ chunks: number; known: number; held: number }> {
  await continueBackupRun(input.setId);
  const kept = (await keptSets()).map((s) => s.id).filter((id) => id !== input.setId);
  const manifests = await readManifests(backupStore(), kept);
  const applied = await applyKeptManifests({ setId: input.setId, type: input.type, manifests });
  const progress = await recordCopyProgress(input.setId);
  return { chunks: Math.ceil(progress.total / env().BACKUP_CHUNK_FILES), ...applied };
}

/** The commit marker, once everything is copied: the manifest lists every object the snapshot references. */
export async function writeBackupManifest(input: { setId: string; type: BackupType; baseSetId: string | null; snapshot: Snapshot }): Promise<{ objects: number }> {
  await continueBackupRun(input.setId);
  const db = getDb();
  const [row] = await db.select().from(backupSets).where(eq(backupSets.id, input.setId));
  const progress = await recordCopyProgress(input.setId);
  if (progress.done !== progress.total) throw new Error(`${progress.total - progress.done} object(s) are not copied yet.`);
  const objects: Manifest["objects"] = [];
  const BATCH = 5000;
  for (let from = 0; ; from += BATCH) {
    const rows = await db
      .select()
      .from(backupObjects)
      .where(and(eq(backupObjects.setId, input.setId), eq(backupObjects.gone, false), sql`${backupObjects.seq} >= ${from} and ${backupObjects.seq} < ${from + BATCH}`))
      .orderBy(backupObjects.seq);
    if (rows.length === 0 && from >= progress.total) break;
    for (const o of rows) {
      objects.push({
        key: o.objectKey,
        sha256: o.sha256!,
        size: o.size,
        location: contentKey(o.sha256!),
        copiedIn: o.copiedIn ?? input.setId,
        ...(o.contentType ? { contentType: o.contentType } : {}),
      });
    }
  }
  const bytes = objects.reduce((n, o) => n + o.size, 0);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    setId: input.setId,
    type: input.type,
    baseSetId: input.baseSetId,
    epoch: input.snapshot.epoch,
    lsn: input.snapshot.lsn,
    lastMigration: input.snapshot.lastMigration,
    startedAt: row.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    encryption: { algorithm: "aes-256-gcm", keyId: keyId(parseEncryptionKey(env().BACKUP_ENCRYPTION_KEY)) },
    tables: input.snapshot.tables,
    objects,
    totals: { objects: objects.length, bytes, objectsCopied: progress.objectsCopied, bytesCopied: progress.bytesCopied, databaseBytes: input.snapshot.databaseBytes },
  };
  const until = retainUntil(input.type);
  const [primary, ...others] = backupStores();
  // The dumps were streamed to the primary store; the secondary gets the same bytes (its manifest names them).
  for (const store of others) {
    for (const t of input.snapshot.tables) await putStream(store, t.key, await readStream(primary, t.key), { until, contentType: "application/octet-stream" });
  }
  for (const store of [primary, ...others]) await writeManifest(store, manifest, until);
  await db
    .update(backupSets)
    .set({
      status: "verifying",
      objects: objects.length,
      bytesTotal: bytes,
      secondaryCopied: backupStores().length > 1,
      progress: { phase: "verify", done: 0, total: objects.length },
    })
    .where(eq(backupSets.id, input.setId));
  return { objects: objects.length };
}

/** B3, first half: read the set back from every store; the set completes only if everything matches. */
export async function verifyBackupSet(setId: string): Promise<{ passed: boolean; problems: string[] }> {
  await continueBackupRun(setId);
  const db = getDb();
  const problems: string[] = [];
  for (const store of backupStores()) {
    const [manifest] = await readManifests(store, [setId]);
    if (!manifest) {
      problems.push(`${store.name} store: the manifest is missing`);
      continue;
    }
    const result = await verifySet(store, manifest, (done, total) =>
      db.update(backupSets).set({ progress: { phase: "verify", done, total } }).where(eq(backupSets.id, setId)).then(() => {}),
    );
    problems.push(...result.problems.map((p) => (backupStores().length > 1 ? `${store.name} store: ${p}` : p)));
  }
  const passed = problems.length === 0;
  const now = new Date();
  await db
    .update(backupSets)
    .set(
      passed
        ? { status: "completed", verification: "passed", verifiedAt: now, verificationError: null, finishedAt: now, progress: null }
        : { status: "failed", verification: "failed", verifiedAt: now, verificationError: problems.join("\n"), error: "Verification failed: the backup store does not hold what the manifest lists.", finishedAt: now, progress: null },
    )
    .where(eq(backupSets.id, setId));
  return { passed, problems };
}

/** B2 after a verified set (now `completed`), still under the run's lock: no other run copies meanwhile. */
export async function applyBackupRetention(setId: string) {
  if (!(await holdRunLock(setId))) throw new BackupLockBusy("Another process holds the backup lock; this step is retried.");
  return applyRetention();
}

/**
 * The run's last step, whatever its outcome: the lock goes, the work list goes, alerts are evaluated now (a
 * failure or an anomaly is known at once), and the hard deletes the run held back are drained.
 */
export async function finishBackupRun(setId: string): Promise<void> {
  await getDb().delete(backupObjects).where(eq(backupObjects.setId, setId));
  await releaseRunLock(setId);
  await requestAlertEvaluation();
  await inngest.send(trashPurgeRequested.create({})).catch((err) => logger.warn({ err }, "could not request the deferred purge"));
}

/**
 * The workflow's failure handler (retries exhausted, or a step gave up): the set is failed with the error,
 * its partial prefix stays for the next run's retention to remove, the lock is released.
 */
export async function failBackupRun(input: { setId?: string; error: string }): Promise<void> {
  const db = getDb();
  let setId = input.setId;
  if (!setId) {
    // A scheduled run's failure handler knows no set id: the running set is this run's if nobody else holds its lock.
    const [running] = await db.select().from(backupSets).where(inArray(backupSets.status, ["running", "verifying"]));
    if (!running || (await runLockHeldElsewhere(running.id)) && !(await holdRunLock(running.id))) return;
    setId = running.id;
  }
  await db
    .update(backupSets)
    .set({ status: "failed", error: input.error.slice(0, 2000), finishedAt: new Date(), progress: null })
    .where(and(eq(backupSets.id, setId), inArray(backupSets.status, ["running", "verifying"])));
  await finishBackupRun(setId);
}

async function requestAlertEvaluation(): Promise<void> {
  await inngest.send(alertsEvaluationRequested.create({})).catch((err) => logger.warn({ err }, "could not request an alert evaluation"));
}

/**
 * For the restore drill (lib/backup/restore, h-brestore): records a failed drill of a set and raises the
 * `backup-failure` alert, which sends the `backup.failed` webhook.
 */
export async function reportBackupFailure(setId: string, reason: string): Promise<void> {
  await getDb()
    .update(backupSets)
    .set({ drill: "failed", drillError: reason.slice(0, 2000), drillAt: sql`coalesce(${backupSets.drillAt}, now())` })
    .where(eq(backupSets.id, setId));
  await requestAlertEvaluation();
}
