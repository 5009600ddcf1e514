import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { backupRestores, backupSets, users, type BackupRestore, type BackupSet } from "@/db/schema";
import { ApiError, notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { Actor, ServiceContext } from "@/lib/auth/actor";
import { logger } from "@/lib/log";
import { inngest } from "@/inngest/client";
import { backupRestoreRequested } from "@/inngest/events";
import { appBackupBucket, appEncryptionKey } from "./app-source";
import { restoreFiles } from "./partial";
import { assertKeyMatches, readManifest, RestoreError } from "./read";
import type { listRestoresQuerySchema, RestoreRequest, RestoreResult } from "./schemas";

/** Only a set that finished and passed verification is restored (or drilled). */
export async function restorableSet(setId: string): Promise<BackupSet> {
  const [set] = await getDb().select().from(backupSets).where(eq(backupSets.id, setId));
  if (!set) throw notFound("Backup");
  if (set.status !== "completed" || set.verification !== "passed") {
    throw new ApiError(409, "backup_not_restorable", `Backup ${setId} is ${set.status} with verification ${set.verification}: only a completed, verified set can be restored.`);
  }
  return set;
}

export function toRestoreView(row: BackupRestore) {
  return {
    id: row.id,
    setId: row.setId,
    scope: row.scope,
    dryRun: row.dryRun,
    overwriteNewer: row.overwriteNewer,
    status: row.status,
    progress: row.progress ?? null,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.error,
    result: (row.result as RestoreResult | null) ?? null,
  };
}

/**
 * POST /api/v1/backups/{id}/restore: records the job and hands it to the restore-backup workflow. Everything
 * ("all") goes only into an empty database, which the running app's never is: that is `npm run restore`'s
 * job; here "all" is a dry run (what the set holds against what is live) or refused.
 */
export async function requestRestore(ctx: ServiceContext, setId: string, input: RestoreRequest) {
  await restorableSet(setId);
  if (input.scope === "all" && !input.dryRun) {
    throw new ApiError(409, "target_not_empty", "Restoring everything needs an empty database and bucket: run `npm run restore` on a new machine (README, Restore), or restore by files, camera, site, event or capture time.");
  }
  const requestedBy = ctx.actor.type === "system" ? null : ctx.actor.userId;
  const row = await getDb().transaction(async (tx) => {
    const [job] = await tx
      .insert(backupRestores)
      .values({ setId, scope: input.scope, dryRun: input.dryRun, overwriteNewer: input.overwriteNewer, requestedBy })
      .returning();
    await recordAuditEvent({ ...ctx, tx }, { action: "backup.restore.request", details: { restoreId: job.id, setId, scope: input.scope, dryRun: input.dryRun, overwriteNewer: input.overwriteNewer } });
    return job;
  });
  await inngest.send(backupRestoreRequested.create({ restoreId: row.id }));
  return { restoreId: row.id, status: row.status };
}

export async function getRestore(_ctx: ServiceContext, restoreId: string) {
  const [row] = await getDb().select().from(backupRestores).where(eq(backupRestores.id, restoreId));
  if (!row) throw notFound("Restore");
  return toRestoreView(row);
}

export async function listRestores(_ctx: ServiceContext, query: z.infer<typeof listRestoresQuerySchema>) {
  const rows = await getDb()
    .select()
    .from(backupRestores)
    .where(query.setId ? eq(backupRestores.setId, query.setId) : undefined)
    .orderBy(desc(backupRestores.createdAt), desc(backupRestores.id))
    .limit(query.limit);
  return { data: rows.map(toRestoreView) };
}

/** Who asked, as the actor of the job's audit rows (the app itself when the user is gone). */
async function requesterActor(userId: string | null): Promise<Actor> {
  if (userId) {
    const [u] = await getDb().select({ id: users.id, role: users.role, email: users.email }).from(users).where(eq(users.id, userId));
    if (u) return { type: "user", userId: u.id, role: u.role, email: u.email };
  }
  return { type: "system", name: "backup-restore" };
}

/**
 * The restore-backup workflow's one step: runs the job to its end and records it (completed with its
 * result, or failed with the reason). A job already finished is left as it is, so a re-sent event does
 * nothing twice.
 */
export async function runRestoreJob(input: { restoreId: string }): Promise<{ status: string }> {
  const [job] = await getDb()
    .update(backupRestores)
    .set({ status: "running", startedAt: new Date(), error: null })
    .where(and(eq(backupRestores.id, input.restoreId), eq(backupRestores.status, "queued")))
    .returning();
  if (!job) return { status: "not_queued" };
  const setProgress = async (phase: string, done: number, total: number) => {
    await getDb().update(backupRestores).set({ progress: { phase, done, total } }).where(eq(backupRestores.id, job.id));
  };
  try {
    const store = appBackupBucket();
    const key = appEncryptionKey();
    const manifest = await readManifest(store, job.setId);
    assertKeyMatches(manifest, key);
    const actor = await requesterActor(job.requestedBy);
    const result = await restoreFiles(
      { actor },
      { restoreId: job.id, store, manifest, key, scope: job.scope as RestoreRequest["scope"], dryRun: job.dryRun, overwriteNewer: job.overwriteNewer, onProgress: setProgress },
    );
    await getDb()
      .update(backupRestores)
      .set({ status: "completed", finishedAt: new Date(), result: result as unknown as Record<string, unknown> })
      .where(eq(backupRestores.id, job.id));
    return { status: "completed" };
  } catch (err) {
    const message = err instanceof RestoreError ? err.message : `restore failed: ${(err as Error).message}`;
    logger.error({ err, restoreId: job.id }, "restore failed");
    await getDb().update(backupRestores).set({ status: "failed", finishedAt: new Date(), error: message }).where(eq(backupRestores.id, job.id));
    return { status: "failed" };
  }
}
