import "server-only";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { whileNoBackupRuns } from "@/lib/backup/lock";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { blobs, fileVariants, fileVersions, lifecycleRuns, objectDeletions, uploadSessions } from "@/db/schema";
import { ApiError, notFound } from "@/lib/api/errors";
import type { deleteOrphansSchema } from "@/lib/archive/schemas";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { headObjectOrNull } from "@/lib/files/stored-object";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import type { ReconcileCounts } from "./report";

/** Whether any row names `key` now (a row may have arrived since the run). */
async function keyIsNamed(key: string): Promise<boolean> {
  const db = getDb();
  const hits = await Promise.all([
    db.select({ k: fileVersions.id }).from(fileVersions).where(eq(fileVersions.objectKey, key)).limit(1),
    db.select({ k: blobs.sha256 }).from(blobs).where(eq(blobs.objectKey, key)).limit(1),
    db.select({ k: fileVariants.name }).from(fileVariants).where(eq(fileVariants.objectKey, key)).limit(1),
    db.select({ k: uploadSessions.id }).from(uploadSessions).where(eq(uploadSessions.objectKey, key)).limit(1),
    db.select({ k: objectDeletions.objectKey }).from(objectDeletions).where(eq(objectDeletions.objectKey, key)).limit(1),
  ]);
  return hits.some((h) => h.length > 0);
}

/**
 * The admin's choice after reading a report: deletes the run's orphans (or the chosen ones among them).
 * Each is checked again first: still unnamed by any row, and still the object the run saw (same size, not
 * written since). The deletions are audited, and marked on the run, in one transaction.
 */
export async function deleteRunOrphans(ctx: ServiceContext, runId: string, input: z.infer<typeof deleteOrphansSchema>) {
  const [run] = await getDb().select().from(lifecycleRuns).where(eq(lifecycleRuns.id, runId));
  if (!run || run.kind !== "reconcile") throw notFound("Reconciliation run");
  if (run.status !== "succeeded") throw new ApiError(409, "run_not_finished", "Only a finished reconciliation's orphans can be deleted.");
  const counts = run.counts as unknown as ReconcileCounts;
  const wanted = input.keys ? new Set(input.keys) : null;
  const targets = counts.orphanObjects.filter((o) => !o.deletedAt && (!wanted || wanted.has(o.key)));
  if (wanted && targets.length !== wanted.size) {
    throw new ApiError(422, "not_an_orphan", "Some keys are not undeleted orphans of this run.");
  }
  const deleted: string[] = [];
  const skipped: { key: string; reason: string }[] = [];
  for (const orphan of targets) {
    if (await keyIsNamed(orphan.key)) { skipped.push({ key: orphan.key, reason: "a row names it now" }); continue; }
    const head = await headObjectOrNull(orphan.key);
    if (!head) { skipped.push({ key: orphan.key, reason: "already gone" }); continue; }
    if (head.ContentLength !== orphan.size || (orphan.lastModified && head.LastModified && head.LastModified.toISOString() > orphan.lastModified)) {
      skipped.push({ key: orphan.key, reason: "written since the run" });
      continue;
    }
    // The purge lease (lib/backup/lock.ts): a running backup may be copying it.
    const pass = await whileNoBackupRuns(() => s3().internal.send(new DeleteObjectCommand({ Bucket: mediaBucket(), Key: orphan.key })));
    if (!pass.ran) { skipped.push({ key: orphan.key, reason: "a backup is running: try again once it has finished" }); continue; }
    deleted.push(orphan.key);
  }
  const at = new Date().toISOString();
  await getDb().transaction(async (tx) => {
    const [locked] = await tx.select().from(lifecycleRuns).where(eq(lifecycleRuns.id, runId)).for("update");
    const now = locked.counts as unknown as ReconcileCounts;
    const gone = new Set(deleted);
    now.orphanObjects = now.orphanObjects.map((o) => (gone.has(o.key) && !o.deletedAt ? { ...o, deletedAt: at } : o));
    now.orphansDeleted = now.orphanObjects.filter((o) => o.deletedAt).length;
    await tx.update(lifecycleRuns).set({ counts: now as never }).where(eq(lifecycleRuns.id, runId));
    await recordAuditEvent({ ...ctx, tx }, { action: "lifecycle.orphans.delete", details: { runId, deleted, skipped } });
  });
  return { runId, deleted, skipped };
}
