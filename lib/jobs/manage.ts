import "server-only";
import { and, count, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/db/client";
import { files, fileVersions, processingJobs, type ProcessingJob } from "@/db/schema";
import { notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import type { UploadSource } from "@/inngest/events";
import { announceFileEvent, uploadSource } from "@/lib/files/events";
import type { jobListQuerySchema } from "./schemas";

/** The admin Jobs page: recent work from the app's own records, and how much is waiting. */
export async function listJobs(_ctx: ServiceContext, query: z.infer<typeof jobListQuerySchema>) {
  const db = getDb();
  const rows = await db
    .select({ job: processingJobs, filename: files.filename, fileStatus: files.status, statusReason: files.statusReason })
    .from(processingJobs)
    .innerJoin(files, eq(files.id, processingJobs.fileId))
    .where(and(query.status ? eq(processingJobs.status, query.status) : undefined, query.fileId ? eq(processingJobs.fileId, query.fileId) : undefined))
    .orderBy(desc(processingJobs.queuedAt), desc(processingJobs.id))
    .limit(query.limit);
  const totals = await db.select({ status: processingJobs.status, n: count() }).from(processingJobs).groupBy(processingJobs.status);
  const byStatus = Object.fromEntries(totals.map((t) => [t.status, t.n]));
  return {
    counts: { queued: byStatus.queued ?? 0, running: byStatus.running ?? 0, succeeded: byStatus.succeeded ?? 0, failed: byStatus.failed ?? 0 },
    jobs: rows.map((r) => ({ ...toJobSummary(r.job), filename: r.filename, fileStatus: r.fileStatus, statusReason: r.statusReason })),
  };
}

function toJobSummary(job: ProcessingJob) {
  const end = job.finishedAt ?? (job.status === "running" ? new Date() : null);
  return {
    id: job.id,
    kind: job.kind,
    fileId: job.fileId,
    status: job.status,
    step: job.step,
    attempts: job.attempts,
    resends: job.resends,
    lastError: job.lastError,
    queuedAt: job.queuedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    durationMs: job.startedAt && end ? end.getTime() - job.startedAt.getTime() : null,
  };
}

/**
 * Re-queues a job and sends its event again: a failed file goes back to processing; a finished one
 * is processed again, which changes nothing but recreates anything missing (steps are idempotent).
 */
export async function retryJob(ctx: ServiceContext, jobId: string) {
  const job = await getDb().transaction(async (tx) => {
    const [row] = await tx.select().from(processingJobs).where(eq(processingJobs.id, jobId)).for("update");
    if (!row) throw notFound("Job");
    const [updated] = await tx
      .update(processingJobs)
      .set({ status: "queued", attempts: 0, step: null, resends: sql`${processingJobs.resends} + 1`, queuedAt: new Date(), startedAt: null, finishedAt: null, updatedAt: new Date() })
      .where(eq(processingJobs.id, row.id))
      .returning();
    await tx.update(fileVersions).set({ status: "processing", statusReason: null }).where(and(eq(fileVersions.id, row.versionId), eq(fileVersions.status, "failed")));
    await tx
      .update(files)
      .set({ status: "processing", statusReason: null, updatedAt: new Date() })
      .where(and(eq(files.id, row.fileId), eq(files.currentVersionId, row.versionId), eq(files.status, "failed")));
    await recordAuditEvent({ ...ctx, tx }, { action: "job.retry", fileId: row.fileId, details: { jobId: row.id, kind: row.kind, lastError: row.lastError } });
    return updated;
  });
  await resend(job, uploadSource(ctx.actor, null));
  return toJobSummary(job);
}

/**
 * Re-sends work that stopped moving: queued or running with no update for PROCESSING_STALL_SECONDS
 * (an event lost on the way, a runner restarted mid-run, an engine outage). Steps are idempotent, so
 * a run that was merely slow and is sent twice does no harm.
 */
export async function resendStalledJobs(): Promise<{ resent: number }> {
  const bound = new Date(Date.now() - env().PROCESSING_STALL_SECONDS * 1000);
  const stalled = await getDb()
    .update(processingJobs)
    .set({ resends: sql`${processingJobs.resends} + 1`, updatedAt: new Date() })
    .where(and(inArray(processingJobs.status, ["queued", "running"]), lt(processingJobs.updatedAt, bound)))
    .returning();
  for (const job of stalled) await resend(job, "backfill");
  return { resent: stalled.length };
}

async function resend(job: ProcessingJob, source: UploadSource) {
  const [file] = await getDb().select({ ownerId: files.ownerId, cameraId: files.cameraId }).from(files).where(eq(files.id, job.fileId));
  if (!file) return;
  const data = { fileId: job.fileId, versionId: job.versionId, ownerId: file.ownerId, source, cameraId: file.cameraId };
  await announceFileEvent({ name: "file/uploaded", data });
}
