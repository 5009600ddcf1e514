import { z } from "zod";
import { listAlertsQuerySchema } from "@/lib/alerts/schemas";
import { listRestoresQuerySchema, restoreRequestSchema } from "@/lib/backup/restore/schemas";
import { createApiKeySchema } from "@/lib/api-keys/schemas";
import { listAuditQuerySchema } from "@/lib/audit/schemas";
import { bulkActionSchema, bulkDownloadSchema, deleteFileQuerySchema, downloadQuerySchema, listFilesQuerySchema, listTrashQuerySchema, updateFileSchema } from "@/lib/files/schemas";
import { archivePoliciesSchema, createLifecycleRunSchema, deleteOrphansSchema, createRetrievalSchema, listLifecycleRunsQuerySchema, listRetrievalsQuerySchema } from "@/lib/archive/schemas";
import { simulateLifecycleSchema } from "@/lib/lifecycle/schemas";
import { createLegalHoldSchema, listLegalHoldsQuerySchema, retentionRulesSchema } from "@/lib/retention/schemas";
import { jobListQuerySchema } from "@/lib/jobs/schemas";
import { createBackupSchema, listBackupsQuerySchema } from "@/lib/backup/schemas";
import { cdnInvalidationListQuerySchema } from "@/lib/cdn/schemas";
import { createUserSchema, updateUserSchema } from "@/lib/users/schemas";
import { createWebhookSchema, listDeliveriesQuerySchema, updateWebhookSchema } from "@/lib/webhooks/schemas";
import * as r from "./responses";
import * as restore from "./restore";

export interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  tag: string;
  permission: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** multipart/form-data upload instead of JSON. */
  form?: boolean;
  responses: Record<number, { description: string; schema?: z.ZodType; binary?: string }>;
}

const uploadForm = z.object({
  file: z.string().meta({ format: "binary", description: "The image or video." }),
  category: z.string().optional(),
  tags: z.string().optional().meta({ description: "Comma-separated list or JSON array." }),
  metadata: z.string().optional().meta({ description: "JSON object; cameraId and siteId are indexed." }),
  eventId: z.string().optional().meta({ description: "The counting event the file documents (also accepted as metadata.eventId); up to 128 characters, no slashes." }),
  checksum: z.string().optional().meta({ description: "SHA-256 of the file in hex; processing rejects the file when the stored bytes differ." }),
});

const versionForm = z.object({
  file: z.string().meta({ format: "binary", description: "The new content (image or video)." }),
  checksum: z.string().optional().meta({ description: "SHA-256 of the file in hex; processing rejects the version when the stored bytes differ." }),
});

/** Every /api/v1 route. The contract test fails when a route handler exists that is not listed here. */
export const API_ROUTES: RouteDoc[] = [
  { method: "post", path: "/api/v1/files/upload", tag: "Files", summary: "Upload a file (streamed to storage)", permission: "files.write", body: uploadForm, form: true,
    responses: { 201: { description: "Stored; processing starts", schema: r.uploadResult }, 413: { description: "Too large or over quota" }, 415: { description: "Type not accepted" } } },
  { method: "get", path: "/api/v1/files", tag: "Files", summary: "List files", permission: "files.read", query: listFilesQuerySchema,
    responses: { 200: { description: "A page of files", schema: r.fileList } } },
  { method: "get", path: "/api/v1/files/{id}", tag: "Files", summary: "File information with versions", permission: "files.read",
    responses: { 200: { description: "The file", schema: r.fileDetail }, 404: { description: "No such file, or not yours" } } },
  { method: "patch", path: "/api/v1/files/{id}", tag: "Files", summary: "Edit filename, category, tags or metadata (validated as at upload; metadata replaces the whole object); audited as file.update with each change old → new", permission: "files.write", body: updateFileSchema,
    responses: { 200: { description: "The file, as GET returns it", schema: r.fileDetail }, 404: { description: "No such file, or not yours" } } },
  { method: "get", path: "/api/v1/files/{id}/versions", tag: "Files", summary: "Every version, newest first, with size, checksum, status, uploader and time", permission: "files.read",
    responses: { 200: { description: "The versions", schema: r.versionList }, 404: { description: "No such file, or not yours" } } },
  { method: "post", path: "/api/v1/files/{id}/versions", tag: "Files", summary: "Upload a new version (streamed to storage like an upload); it becomes current once processing passes it, the previous one staying current until then", permission: "files.write", body: versionForm, form: true,
    responses: { 201: { description: "Stored as the next version; processing starts", schema: r.versionInfo }, 404: { description: "No such file, or not yours" }, 413: { description: "Too large or over the owner's quota" }, 415: { description: "Type not accepted" } } },
  { method: "post", path: "/api/v1/files/{id}/versions/{n}/restore", tag: "Files", summary: "Make version n current again: records a new version sharing its stored content (no copy); audited as file.version.restore", permission: "files.write",
    responses: { 201: { description: "The new, current version", schema: r.versionInfo }, 404: { description: "No such file or version" }, 409: { description: "That version did not pass processing" } } },
  { method: "delete", path: "/api/v1/files/{id}", tag: "Files", summary: "Move a file to the trash; permanent=true purges it now (rows, and the objects no other file shares), from the trash or not", permission: "files.delete", query: deleteFileQuerySchema,
    responses: { 200: { description: "Moved to the trash (or purged, with purgedAt)", schema: r.deleteResult }, 404: { description: "No such file (or already purged)" }, 409: { description: "Under legal hold (code legal_hold)" } } },
  { method: "post", path: "/api/v1/files/{id}/restore", tag: "Trash", summary: "Bring a file back from the trash; idempotent (a file not in the trash answers 200 with restored: false)", permission: "files.delete",
    responses: { 200: { description: "Restored, or was not in the trash", schema: r.restoreResult }, 404: { description: "No such file, not yours, or purged" } } },
  { method: "get", path: "/api/v1/trash", tag: "Trash", summary: "Trashed files, most recently deleted first (admins: every owner's, ownerId to narrow), with deletedAt and purgeAt; keyset-paged by cursor", permission: "files.read", query: listTrashQuerySchema,
    responses: { 200: { description: "A page of the trash", schema: r.trashList } } },
  { method: "get", path: "/api/v1/files/{id}/download", tag: "Files", summary: "Download (Range, If-None-Match, version; variant=thumbnail|preview|poster; format=webp|avif|jpeg|png with quality, converted once and cached; redirect=true for a 302 to a short-lived presigned S3 URL, the default for large files when a browser navigates, redirect=false to always stream)", permission: "files.read", query: downloadQuerySchema,
    responses: { 200: { description: "The bytes", binary: "*/*" }, 206: { description: "A byte range", binary: "*/*" }, 302: { description: "Redirect (Location) to a presigned S3 GET with the same Content-Disposition and Content-Type; expires after DOWNLOAD_REDIRECT_EXPIRES_SECONDS" }, 304: { description: "Not modified" }, 404: { description: "No such file, version or variant" }, 409: { description: "Quarantined or rejected; not ready for conversion; or archived (file_archived: retrieve it first)" }, 416: { description: "Range not satisfiable" } } },
  { method: "post", path: "/api/v1/files/bulk", tag: "Files", summary: "One action over up to 500 files: tag or untag (tags), category, delete (to the trash) or restore (files.delete for these two). Each file is changed and audited on its own; one failure undoes nothing else. Another owner's id is not_found", permission: "files.write", body: bulkActionSchema,
    responses: { 200: { description: "One result per id", schema: r.bulkResult }, 403: { description: "The action needs files.write (tag, untag, category) or files.delete (delete, restore)" } } },
  { method: "post", path: "/api/v1/files/bulk-download", tag: "Files", summary: "The named files (up to 500, at most BULK_DOWNLOAD_MAX_BYTES together) as one ZIP streamed from storage; only files the caller may read and that are ready. X-Framevault-Zip-Entries counts the entries, X-Framevault-Skipped names ids left out (missing, not yours or not ready)", permission: "files.read", body: bulkDownloadSchema,
    responses: { 200: { description: "The ZIP (stored entries; Content-Length known in advance)", binary: "application/zip" }, 404: { description: "None of the ids is a file the caller may read" }, 409: { description: "None of them is ready" }, 413: { description: "Together larger than BULK_DOWNLOAD_MAX_BYTES" } } },
  { method: "get", path: "/api/v1/files/{id}/lifecycle", tag: "Files", summary: "Which rule decides the file's fate and why: the archive rule that matches (or will) and when, the governing retention rule and its due date, a legal hold blocking them, its archived/retrieved state, and the runs' timeline for the next ten years", permission: "files.read",
    responses: { 200: { description: "The file's lifecycle", schema: r.fileLifecycle }, 404: { description: "No such file, or not yours" } } },
  { method: "get", path: "/api/v1/files/{id}/audit-events", tag: "Files", summary: "A file's audit trail", permission: "files.read", query: listAuditQuerySchema.omit({ fileId: true, actor: true }),
    responses: { 200: { description: "Events, newest first", schema: r.auditPage } } },
  { method: "get", path: "/api/v1/events/{eventId}", tag: "Events", summary: "A counting event: its snapshots and clips in capture order, cameras, sites, time span and counts by type", permission: "files.read",
    responses: { 200: { description: "The event's media the caller may read", schema: r.countingEvent }, 404: { description: "No file of this event is yours to see" } } },
  { method: "get", path: "/api/v1/users", tag: "Users", summary: "List users", permission: "users.read",
    responses: { 200: { description: "All users", schema: z.object({ users: z.array(r.user) }) } } },
  { method: "post", path: "/api/v1/users", tag: "Users", summary: "Create a user", permission: "users.manage", body: createUserSchema,
    responses: { 201: { description: "Created", schema: r.user }, 409: { description: "Email taken" } } },
  { method: "patch", path: "/api/v1/users/{id}", tag: "Users", summary: "Change name, role or disabled state", permission: "users.manage", body: updateUserSchema,
    responses: { 200: { description: "Updated", schema: r.user } } },
  { method: "get", path: "/api/v1/api-keys", tag: "API keys", summary: "List API keys (own; all for admins)", permission: "api_keys.manage",
    responses: { 200: { description: "Keys, never their secrets", schema: z.object({ apiKeys: z.array(r.apiKey) }) } } },
  { method: "post", path: "/api/v1/api-keys", tag: "API keys", summary: "Create an API key; the secret is in this response only", permission: "api_keys.manage", body: createApiKeySchema,
    responses: { 201: { description: "Created", schema: r.apiKey.extend({ secret: z.string() }) } } },
  { method: "delete", path: "/api/v1/api-keys/{id}", tag: "API keys", summary: "Revoke an API key", permission: "api_keys.manage",
    responses: { 200: { description: "Revoked", schema: r.apiKey } } },
  { method: "get", path: "/api/v1/audit-events", tag: "Audit", summary: "Audit events, newest first", permission: "audit.read", query: listAuditQuerySchema,
    responses: { 200: { description: "A page of events", schema: r.auditPage } } },
  { method: "get", path: "/api/v1/audit-events/verify", tag: "Audit", summary: "Verify the hash chain", permission: "audit.read",
    responses: { 200: { description: "Verification result", schema: r.auditVerification } } },
  { method: "get", path: "/api/v1/audit-events/export", tag: "Audit", summary: "Export events as CSV", permission: "audit.read", query: listAuditQuerySchema.omit({ cursor: true, limit: true, page: true }),
    responses: { 200: { description: "CSV, oldest first", binary: "text/csv" } } },
  { method: "get", path: "/api/v1/webhooks", tag: "Webhooks", summary: "List webhook endpoints", permission: "webhooks.manage",
    responses: { 200: { description: "Endpoints" } } },
  { method: "post", path: "/api/v1/webhooks", tag: "Webhooks", summary: "Register an endpoint; its signing secret is in this response only", permission: "webhooks.manage", body: createWebhookSchema,
    responses: { 201: { description: "Registered" } } },
  { method: "patch", path: "/api/v1/webhooks/{id}", tag: "Webhooks", summary: "Change events or pause an endpoint", permission: "webhooks.manage", body: updateWebhookSchema,
    responses: { 200: { description: "Updated" } } },
  { method: "delete", path: "/api/v1/webhooks/{id}", tag: "Webhooks", summary: "Remove an endpoint", permission: "webhooks.manage",
    responses: { 204: { description: "Removed" } } },
  { method: "get", path: "/api/v1/webhooks/{id}/deliveries", tag: "Webhooks", summary: "Recent deliveries of an endpoint", permission: "webhooks.manage", query: listDeliveriesQuerySchema,
    responses: { 200: { description: "Deliveries with status and attempts" } } },
  { method: "get", path: "/api/v1/jobs", tag: "Jobs", summary: "Recent background work with status, attempts, duration and last error; counts by status", permission: "jobs.manage", query: jobListQuerySchema,
    responses: { 200: { description: "Jobs, newest first", schema: r.jobList } } },
  { method: "post", path: "/api/v1/jobs/{id}/retry", tag: "Jobs", summary: "Queue a job again and re-send its workflow event", permission: "jobs.manage",
    responses: { 200: { description: "The re-queued job", schema: r.job }, 404: { description: "No such job" } } },
  { method: "get", path: "/api/v1/lifecycle/policies", tag: "Archive", summary: "The archive rules in order (the coldest matching destination wins, then the rule listed first)", permission: "lifecycle.manage",
    responses: { 200: { description: "The rules", schema: r.archivePolicyList } } },
  { method: "put", path: "/api/v1/lifecycle/policies", tag: "Archive", summary: "Replace every archive rule (each needs a condition; ids unique); audited as lifecycle.policies.update with before and after", permission: "lifecycle.manage", body: archivePoliciesSchema,
    responses: { 200: { description: "The rules as saved", schema: r.archivePolicyList } } },
  { method: "get", path: "/api/v1/backups", tag: "Backups", summary: "Backup history newest first (type, times, duration, objects and bytes, verification, drill), the schedules' next runs, the RPO and the last drill", permission: "backup.manage", query: listBackupsQuerySchema,
    responses: { 200: { description: "A page of backup sets", schema: r.backupList }, 400: { description: "A cursor this API did not give out" } } },
  { method: "post", path: "/api/v1/backups", tag: "Backups", summary: "Run a backup now (full or incremental; an incremental without a completed full runs as a full); audited as backup.run.request", permission: "backup.manage", body: createBackupSchema,
    responses: { 202: { description: "Recorded; follow it with GET /api/v1/backups/{id}", schema: r.backupAccepted }, 409: { description: "A backup is running (code backup_running)" } } },
  { method: "get", path: "/api/v1/backups/{id}", tag: "Backups", summary: "One backup set, with its manifest's summary (epoch, LSN, last migration, tables and row counts)", permission: "backup.manage",
    responses: { 200: { description: "The set", schema: r.backupDetail }, 404: { description: "No such set" } } },
  { method: "get", path: "/api/v1/files/backup/status", tag: "Backups", summary: "Backup status in the spec's shape (API keys with the backup:read scope, and admins)", permission: "backup.read",
    responses: { 200: { description: "The status", schema: r.backupStatus } } },
  { method: "get", path: "/api/v1/lifecycle/runs", tag: "Archive", summary: "Recent lifecycle runs, newest first", permission: "lifecycle.manage", query: listLifecycleRunsQuerySchema,
    responses: { 200: { description: "The runs", schema: r.lifecycleRunList } } },
  { method: "post", path: "/api/v1/lifecycle/runs", tag: "Archive", summary: "Run now: kind archive, retention or reconcile (graceHours: reconciliation's grace for this run)", permission: "lifecycle.manage", body: createLifecycleRunSchema,
    responses: { 202: { description: "Queued; follow it with GET /api/v1/lifecycle/runs/{id}", schema: r.lifecycleRunAccepted }, 422: { description: "That kind of run is not available yet" } } },
  { method: "get", path: "/api/v1/lifecycle/runs/{id}", tag: "Archive", summary: "A run's status and counts", permission: "lifecycle.manage",
    responses: { 200: { description: "The run", schema: r.lifecycleRun }, 404: { description: "No such run" } } },
  { method: "post", path: "/api/v1/lifecycle/runs/{id}/delete-orphans", tag: "Archive", summary: "Delete a finished reconciliation's orphan objects (all, or the listed keys), each checked again first; audited as lifecycle.orphans.delete", permission: "lifecycle.manage", body: deleteOrphansSchema,
    responses: { 200: { description: "What was deleted and what was skipped, and why", schema: r.orphansDeleted }, 404: { description: "No such reconciliation run" }, 409: { description: "The run has not finished" }, 422: { description: "A key is not an undeleted orphan of the run" } } },
  { method: "post", path: "/api/v1/lifecycle/simulate", tag: "Retention", summary: "Simulate the next N days of the archive, retention and trash-purge runs (and open retrievals) with the saved rules or a draft, decided by the runs' own code in a read-only snapshot: per day, files and bytes archived per class, retrieved, re-archived, trashed and purged; storage cost a month before and after, per class. Nothing moves", permission: "lifecycle.manage", body: simulateLifecycleSchema,
    responses: { 200: { description: "The simulation", schema: r.lifecycleSimulation } } },
  { method: "get", path: "/api/v1/lifecycle/retention", tag: "Retention", summary: "The retention rules (a file's governing rule: camera over site over category, then the longest keep; a legal hold beats every rule)", permission: "lifecycle.manage",
    responses: { 200: { description: "The rules", schema: r.retentionRuleList } } },
  { method: "put", path: "/api/v1/lifecycle/retention", tag: "Retention", summary: "Replace every retention rule (ids unique; archive rules name a destination); audited as lifecycle.retention.update with before and after", permission: "lifecycle.manage", body: retentionRulesSchema,
    responses: { 200: { description: "The rules as saved", schema: r.retentionRuleList } } },
  { method: "get", path: "/api/v1/legal-holds", tag: "Retention", summary: "Legal holds (active by default), newest first, with the number of files each covers", permission: "lifecycle.manage", query: listLegalHoldsQuerySchema,
    responses: { 200: { description: "The holds", schema: r.legalHoldList } } },
  { method: "post", path: "/api/v1/legal-holds", tag: "Retention", summary: "Hold a file, a camera's files or a counting event's files: none can be trashed, purged, expired or archived (409 legal_hold) until lifted; audited as legal_hold.create", permission: "lifecycle.manage", body: createLegalHoldSchema,
    responses: { 201: { description: "The hold", schema: r.legalHold }, 404: { description: "No such file" } } },
  { method: "delete", path: "/api/v1/legal-holds/{id}", tag: "Retention", summary: "Lift a legal hold; audited as legal_hold.release", permission: "lifecycle.manage",
    responses: { 200: { description: "The lifted hold", schema: r.legalHold }, 404: { description: "No such hold" }, 409: { description: "Already lifted" } } },
  { method: "post", path: "/api/v1/files/{id}/retrievals", tag: "Archive", summary: "Ask for an archived file back: the tier's (scaled) delay, then downloadable for `days` days, then archived again", permission: "files.read", body: createRetrievalSchema,
    responses: { 202: { description: "Requested, with the estimate", schema: r.retrieval }, 404: { description: "No such file, or not yours" }, 409: { description: "Not archived, or a retrieval is already pending or ready" }, 422: { description: "The class has no such tier, or the file is above the tier's limit" } } },
  { method: "get", path: "/api/v1/retrievals", tag: "Archive", summary: "Retrievals of the caller's files (admins: everyone's), newest first", permission: "files.read", query: listRetrievalsQuerySchema,
    responses: { 200: { description: "The retrievals", schema: r.retrievalList } } },
  { method: "get", path: "/api/v1/retrievals/{id}", tag: "Archive", summary: "One retrieval and its status", permission: "files.read",
    responses: { 200: { description: "The retrieval", schema: r.retrieval }, 404: { description: "No such retrieval, or not yours" } } },
  { method: "get", path: "/api/v1/cdn/invalidations", tag: "CDN", summary: "Recent CDN invalidations (paths, cost estimate, status) with this month's path count and cost", permission: "jobs.manage", query: cdnInvalidationListQuerySchema,
    responses: { 200: { description: "Invalidations, newest first", schema: r.cdnInvalidationList } } },
  { method: "post", path: "/api/v1/backups/{id}/restore", tag: "Backups", summary: "Restore files from a completed, verified set, or plan it (dryRun): scope { fileIds } | { cameraId } | { siteId } | { eventId } | { capturedFrom, capturedTo } | \"all\" (dry run only: everything goes into an empty database with npm run restore). Objects are copied back, verified, before their rows; files changed after the epoch are listed newer and skipped unless overwriteNewer; audited as backup.restore", permission: "backup.manage", body: restoreRequestSchema,
    responses: { 202: { description: "Queued; follow it with GET /api/v1/restores/{id}", schema: restore.restoreAccepted }, 400: { description: "Bad scope or body" }, 404: { description: "No such backup" }, 409: { description: "The set is not completed and verified (backup_not_restorable), or \"all\" without dryRun (target_not_empty)" } } },
  { method: "post", path: "/api/v1/backups/{id}/drill", tag: "Backups", summary: "Restore drill now: the set's tables into a scratch schema and a sample of its objects into a scratch prefix, compared with its manifest; the result and duration (RTO) go on the set; a failure opens the backup-drill alert", permission: "backup.manage",
    responses: { 202: { description: "Drill requested", schema: restore.drillAccepted }, 404: { description: "No such backup" }, 409: { description: "The set is not completed and verified" } } },
  { method: "get", path: "/api/v1/restores", tag: "Backups", summary: "Recent restore jobs and dry runs, newest first", permission: "backup.manage", query: listRestoresQuerySchema,
    responses: { 200: { description: "The jobs", schema: restore.restoreJobList } } },
  { method: "get", path: "/api/v1/restores/{id}", tag: "Backups", summary: "A restore job: its progress, then each file restored or skipped and why (a dry run: what would be), with totals", permission: "backup.manage",
    responses: { 200: { description: "The job", schema: restore.restoreJob }, 404: { description: "No such restore" } } },
  { method: "get", path: "/api/v1/alerts", tag: "Operations", summary: "Alerts, newest first (status=active, the default: open and acknowledged), with the counts still active", permission: "ops.manage", query: listAlertsQuerySchema,
    responses: { 200: { description: "Alerts", schema: r.alertList } } },
  { method: "post", path: "/api/v1/alerts/evaluate", tag: "Operations", summary: "Run the alert rules now (they also run every minute); transitions are sent as alert.opened / alert.resolved webhooks", permission: "ops.manage",
    responses: { 202: { description: "Evaluation requested", schema: r.requested } } },
  { method: "post", path: "/api/v1/alerts/{id}/acknowledge", tag: "Operations", summary: "Acknowledge an alert: it stays until its condition clears and is not opened again meanwhile; idempotent; audited as alert.acknowledge", permission: "ops.manage",
    responses: { 200: { description: "The alert", schema: r.alert }, 404: { description: "No such alert" } } },
  { method: "get", path: "/api/v1/admin/overview", tag: "Operations", summary: "The admin dashboard's figures: files and bytes by tier, per-camera storage and monthly cost at the configured prices, uploads and downloads, processing durations, errors, storage history, alerts", permission: "ops.manage",
    responses: { 200: { description: "The overview", schema: r.operationsOverview } } },
  { method: "post", path: "/api/v1/admin/storage-snapshots", tag: "Operations", summary: "Take today's storage snapshot now (the storage-snapshot workflow also runs daily)", permission: "ops.manage",
    responses: { 202: { description: "Snapshot requested", schema: r.requested } } },
];
