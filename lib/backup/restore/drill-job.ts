import "server-only";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { getDb, getSql } from "@/db/client";
import { backupSets } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { inngest } from "@/inngest/client";
import { alertsEvaluationRequested, backupDrillRequested } from "@/inngest/events";
import { appBackupBucket, appEncryptionKey } from "./app-source";
import { drillSet } from "./drill";
import { restorableSet } from "./jobs";
import { assertKeyMatches, readManifest, RestoreError } from "./read";

/** POST /api/v1/backups/{id}/drill: the set's drill goes to `pending` and the backup-drill workflow runs it. */
export async function requestDrill(ctx: ServiceContext, setId: string) {
  await restorableSet(setId);
  await getDb().transaction(async (tx) => {
    await tx.update(backupSets).set({ drill: "pending", drillError: null }).where(eq(backupSets.id, setId));
    await recordAuditEvent({ ...ctx, tx }, { action: "backup.drill.request", details: { setId } });
  });
  await inngest.send(backupDrillRequested.create({ setId }));
  return { setId, drill: "pending" as const };
}

/** The newest completed, verified set: what the weekly drill restores. */
export async function latestVerifiedSetId(): Promise<string | null> {
  const [set] = await getDb()
    .select({ id: backupSets.id })
    .from(backupSets)
    .where(and(eq(backupSets.status, "completed"), eq(backupSets.verification, "passed"), isNotNull(backupSets.epochAt)))
    .orderBy(desc(backupSets.epochAt))
    .limit(1);
  return set?.id ?? null;
}

/**
 * The backup-drill workflow's step: restores the set (the latest verified one when none is named) into the
 * scratch schema and prefix, compares with its manifest, and records passed/failed, when, and how long it
 * took (the measured RTO) on the set. A failed drill is what the backup-drill alert rule reports.
 */
export async function runDrill(input: { setId?: string }): Promise<{ setId: string | null; drill: "passed" | "failed" | "none"; durationMs?: number; error?: string }> {
  const setId = input.setId ?? (await latestVerifiedSetId());
  if (!setId) return { setId: null, drill: "none" };
  const started = Date.now();
  const at = new Date();
  try {
    const store = appBackupBucket();
    const key = appEncryptionKey();
    const manifest = await readManifest(store, setId);
    assertKeyMatches(manifest, key);
    const result = await drillSet(getSql(), store, manifest, key, { sample: env().BACKUP_DRILL_SAMPLE });
    await getDb().update(backupSets).set({ drill: "passed", drillAt: at, drillDurationMs: result.durationMs, drillError: null }).where(eq(backupSets.id, setId));
    logger.info({ setId, ...result }, "restore drill passed");
    return { setId, drill: "passed", durationMs: result.durationMs };
  } catch (err) {
    const error = err instanceof RestoreError ? err.message : `drill failed: ${(err as Error).message}`;
    const durationMs = Date.now() - started;
    logger.error({ err, setId }, "restore drill failed");
    await getDb().update(backupSets).set({ drill: "failed", drillAt: at, drillDurationMs: durationMs, drillError: error.slice(0, 2000) }).where(eq(backupSets.id, setId));
    // The backup-drill (and backup-failure) alert opens now rather than at the next minute's evaluation.
    await inngest.send(alertsEvaluationRequested.create({})).catch((sendErr) => logger.warn({ err: sendErr }, "could not request an alert evaluation"));
    return { setId, drill: "failed", durationMs, error };
  }
}
