import { NonRetriableError, RetryAfterError } from "inngest";
import { copyChunk } from "@/lib/backup/copy";
import {
  applyBackupRetention, BackupSetGone, createScheduledSet, failBackupRun, finishBackupRun, planBackupCopy, snapshotBackupSet,
  startBackupRun, verifyBackupSet, writeBackupManifest,
} from "@/lib/backup/run";
import { backupCrons, backupRetries, env } from "@/lib/env";
import { inngest } from "./client";
import { backupRunRequested } from "./events";

// Read when the module loads (also during `next build`): the crons and retries are the functions' static config.
const crons = backupCrons();
const retries = backupRetries() as 3;

/** A failed step is retried BACKUP_RETRY_DELAY later (the spec: 3 retries, 5 minutes apart); a set no longer running is not. */
async function withRetryDelay<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BackupSetGone) throw new NonRetriableError(err.message);
    throw new RetryAfterError((err as Error).message, env().BACKUP_RETRY_DELAY, { cause: err });
  }
}

type Trigger = { kind: "requested" } | { kind: "scheduled"; type: "full" | "incremental" };

/**
 * One backup set from start to end (B1-B3), each step one `lib/backup` call and a retry boundary: start
 * (lock, purge lease), the snapshot (epoch, dumps, work list), the plan (what kept sets hold), the copy a
 * chunk of BACKUP_CHUNK_FILES objects per step, the manifest (written last: the commit marker), the
 * verification, retention, and the end (lock released, alerts evaluated). A crash resumes at the step it was
 * in; a run whose process is gone for good is failed (and its partial set removed) by the next run.
 */
function backupFunction(id: string, name: string, trigger: Trigger) {
  return inngest.createFunction(
    {
      id,
      name,
      retries,
      triggers: trigger.kind === "requested" ? [backupRunRequested] : [{ cron: trigger.type === "full" ? crons.full : crons.incremental }],
      onFailure: async ({ event, error, step }) => {
        const setId = (event.data.event.data as { setId?: string } | undefined)?.setId;
        await step.run("record-failure", () => failBackupRun({ setId, error: error.message }));
      },
    },
    async ({ event, step }) => {
      let setId: string;
      if (trigger.kind === "requested") setId = (event.data as { setId: string }).setId;
      else {
        const created = await step.run("create-set", () => createScheduledSet(trigger.type));
        if ("skipped" in created) return created;
        setId = created.setId;
      }
      const started = await step.run("start", () => withRetryDelay(() => startBackupRun(setId)));
      const snapshot = await step.run("snapshot", () => withRetryDelay(() => snapshotBackupSet(started)));
      const plan = await step.run("plan", () => withRetryDelay(() => planBackupCopy(started)));
      let copied = { objectsCopied: 0, bytesCopied: 0 };
      for (let chunk = 0; chunk < plan.chunks; chunk++) {
        copied = await step.run(`copy-${chunk}`, () => withRetryDelay(() => copyChunk({ setId, type: started.type, chunk })));
      }
      await step.run("manifest", () => withRetryDelay(() => writeBackupManifest({ ...started, snapshot })));
      const verification = await step.run("verify", () => withRetryDelay(() => verifyBackupSet(setId)));
      const retention = verification.passed ? await step.run("retention", () => withRetryDelay(() => applyBackupRetention(setId))) : null;
      await step.run("finish", () => finishBackupRun(setId));
      return { setId, type: started.type, ...copied, verification: verification.passed ? "passed" : "failed", expired: retention?.expired.length ?? 0 };
    },
  );
}

/** A manual run (`POST /api/v1/backups`): its set is already recorded. */
export const backupRequested = backupFunction("backup-requested", "Backup (manual)", { kind: "requested" });
/** The schedules (UTC): full weekly (BACKUP_FULL_CRON), incremental the other days (BACKUP_INCREMENTAL_CRON). */
export const backupFull = backupFunction("backup-full", "Backup (full, scheduled)", { kind: "scheduled", type: "full" });
export const backupIncremental = backupFunction("backup-incremental", "Backup (incremental, scheduled)", { kind: "scheduled", type: "incremental" });
