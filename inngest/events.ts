import { eventType } from "inngest";
import { z } from "zod";

// Inngest v4 types events per event (no client-wide schema): use these as function triggers
// (`triggers: [fileUploaded]`) and to send (`inngest.send(fileUploaded.create({ ... }))`),
// which validates the data before it leaves the app.

/**
 * `source` orders processing (interactive first, backfill last) and `cameraId` keys its concurrency:
 * person = a signed-in person waiting for it (browser upload, their own API call, an admin's retry);
 * api / camera = an API key without / with a camera; backfill = the sweep re-sending stalled work.
 */
export const uploadSources = ["person", "api", "camera", "backfill"] as const;
export type UploadSource = (typeof uploadSources)[number];

export const fileUploaded = eventType("file/uploaded", {
  schema: z.object({
    fileId: z.uuid(),
    versionId: z.uuid(),
    ownerId: z.uuid(),
    source: z.enum(uploadSources),
    cameraId: z.string().nullable(),
    /** The request that caused the upload: the processing logs and audits under it. */
    requestId: z.string().max(128).optional(),
  }),
});

export const fileDeleted = eventType("file/deleted", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid(), requestId: z.string().max(128).optional() }),
});

/** Processing finished and the file can be downloaded. */
export const fileReady = eventType("file/ready", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid() }),
});

/** Processing found the file unsafe and set it aside. */
export const fileQuarantined = eventType("file/quarantined", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid() }),
});

/** Processing finished, whatever the outcome (ready, rejected, quarantined). */
export const fileProcessed = eventType("file/processed", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid(), status: z.enum(["ready", "rejected", "quarantined", "failed"]) }),
});

/** Runs the trash purge now instead of at its daily time; it still purges only what is due. */
export const trashPurgeRequested = eventType("trash/purge.requested", {
  schema: z.object({}),
});

/** A restore job (POST /api/v1/backups/{id}/restore) to run: its row in backup_restores says what. */
export const backupRestoreRequested = eventType("backup/restore.requested", {
  schema: z.object({ restoreId: z.uuid() }),
});

/** "Drill now" for a set (POST /api/v1/backups/{id}/drill); the weekly cron drills the latest verified set. */
export const backupDrillRequested = eventType("backup/drill.requested", {
  schema: z.object({ setId: z.uuid() }),
});

/** "Run now" for the archive run; the daily cron starts one without a runId. */
export const archiveRunRequested = eventType("lifecycle/archive.requested", {
  schema: z.object({ runId: z.uuid() }),
});

/** "Run now" of a retention run (the schedule starts its own). */
export const retentionRunRequested = eventType("lifecycle/retention.requested", {
  schema: z.object({ runId: z.uuid() }),
});

/** A retrieval was asked for: wait the tier's scaled delay, make it available, then archive it again. */
export const retrievalRequested = eventType("archive/retrieval.requested", {
  schema: z.object({ retrievalId: z.uuid() }),
});

/**
 * A file's original stopped being downloadable: the archive run moved it to a cold class (`policy`), or a
 * retrieval's window ended (`retrieval_expired`). Thumbnails and previews are unaffected. Anything that
 * caches originals (a CDN) invalidates on it.
 */
export const fileArchived = eventType("file/archived", {
  schema: z.object({ fileId: z.uuid(), ownerId: z.uuid(), storageClass: z.enum(["GLACIER", "DEEP_ARCHIVE"]), reason: z.enum(["policy", "retention", "retrieval_expired"]) }),
});

/** Edge paths were queued for invalidation; the drain gathers them into batches. */
export const cdnInvalidationRequested = eventType("cdn/invalidation.requested", {
  schema: z.object({}),
});

/** Runs the alert rules now instead of at the next minute (`POST /api/v1/alerts/evaluate`). */
export const alertsEvaluationRequested = eventType("alerts/evaluation.requested", {
  schema: z.object({}),
});

const alertData = z.object({
  id: z.uuid(),
  rule: z.string(),
  key: z.string(),
  severity: z.enum(["info", "warning", "critical"]),
  status: z.enum(["open", "acknowledged", "resolved"]),
  title: z.string(),
  details: z.record(z.string(), z.unknown()),
  openedAt: z.string(),
  lastSeenAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});

/** An alert rule found a new condition firing (lib/alerts/evaluate.ts); sent on as the `alert.opened` webhook. */
export const alertOpened = eventType("alert/opened", { schema: alertData });

/** A condition stopped firing and its alert was resolved; sent on as the `alert.resolved` webhook. */
export const alertResolved = eventType("alert/resolved", { schema: alertData });

/** Takes today's storage snapshot now instead of at its daily time (`POST /api/v1/admin/storage-snapshots`). */
export const storageSnapshotRequested = eventType("storage/snapshot.requested", {
  schema: z.object({}),
});

/** "Run now" for reconciliation; the weekly cron starts one without a runId. */
export const reconcileRunRequested = eventType("lifecycle/reconcile.requested", {
  schema: z.object({ runId: z.uuid() }),
});

/** A backup set was recorded (`POST /api/v1/backups`, or a schedule's first step): run it (lib/backup/run.ts). */
export const backupRunRequested = eventType("backup/run.requested", {
  schema: z.object({ setId: z.uuid() }),
});
