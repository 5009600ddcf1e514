import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, processingJobs } from "@/db/schema";
import { env } from "@/lib/env";
import { logger, withRequestId } from "@/lib/log";
import { recordProcessingStep, secondsSince } from "@/lib/metrics/record";

export interface JobRef {
  kind: "process-file";
  fileId: string;
  versionId: string;
  /** The request that started the work (carried in its event): its log lines and audit rows carry it too. */
  requestId?: string;
}

const jobWhere = (job: JobRef) => and(eq(processingJobs.kind, job.kind), eq(processingJobs.versionId, job.versionId));

/**
 * Runs one step of a job and records it in the job's row first: which step, that it is running, and
 * how many attempts it took (the workflow's attempt counter restarts with every step, so the row
 * keeps the highest). A failure is recorded as the job's last error and thrown on, for the retry. Each run
 * is logged and measured (framevault_processing_step_*) under the id of the request that started the job.
 */
export function runJobStep<T>(job: JobRef, step: string, attempt: number, work: () => Promise<T>): Promise<T> {
  return withRequestId(job.requestId, async () => {
    const started = performance.now();
    const where = { job: job.kind, step, fileId: job.fileId, versionId: job.versionId, attempt: attempt + 1 };
    logger.info(where, "processing step started");
    try {
      const result = await trackedStep(job, step, attempt, work);
      recordProcessingStep(step, "ok", secondsSince(started));
      logger.info({ ...where, durationMs: Math.round(performance.now() - started) }, "processing step finished");
      return result;
    } catch (err) {
      recordProcessingStep(step, "error", secondsSince(started));
      logger.warn({ ...where, err, durationMs: Math.round(performance.now() - started) }, "processing step failed; it is retried");
      throw err;
    }
  });
}

async function trackedStep<T>(job: JobRef, step: string, attempt: number, work: () => Promise<T>): Promise<T> {
  const now = new Date();
  await getDb()
    .insert(processingJobs)
    .values({ kind: job.kind, fileId: job.fileId, versionId: job.versionId, status: "running", step, attempts: attempt + 1, startedAt: now })
    .onConflictDoUpdate({
      target: [processingJobs.kind, processingJobs.versionId],
      set: {
        status: "running",
        step,
        attempts: sql`greatest(${processingJobs.attempts}, ${attempt + 1})`,
        startedAt: sql`coalesce(${processingJobs.startedAt}, ${now.toISOString()}::timestamptz)`,
        updatedAt: now,
      },
    });
  try {
    await injectConfiguredFault(job, step, attempt);
    return await work();
  } catch (err) {
    await getDb()
      .update(processingJobs)
      .set({ lastError: `${step}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 2000), updatedAt: new Date() })
      .where(jobWhere(job));
    throw err;
  }
}

/** Test-only (FRAMEVAULT_FAULTS, unset in production): throws for the configured files and step. */
async function injectConfiguredFault(job: JobRef, step: string, attempt: number): Promise<void> {
  const faults = env().FRAMEVAULT_FAULTS.filter((f) => f.step === step && attempt < f.times);
  if (faults.length === 0) return;
  const [file] = await getDb().select({ filename: files.filename }).from(files).where(eq(files.id, job.fileId));
  if (file && faults.some((f) => file.filename.startsWith(f.prefix))) {
    throw new Error(`injected fault in ${step} (attempt ${attempt + 1}, FRAMEVAULT_FAULTS)`);
  }
}
