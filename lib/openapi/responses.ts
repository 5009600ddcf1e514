import { z } from "zod";

// Response shapes for the OpenAPI document. The API's serializers return exactly these fields; the
// contract test compares real responses against them.
const isoDate = z.iso.datetime({ offset: true });
const nullableString = z.string().nullable();

export const errorEnvelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string().describe("The request's id, also sent as the X-Request-Id header: quote it to find the request in the server's logs"),
  }),
});

export const fileSummary = z
  .object({
    fileId: z.uuid(), filename: z.string(), size: z.number().int(), mimeType: z.string(), url: z.url(),
    cdnUrl: z.url().nullable().meta({ description: "Signed, short-lived edge URL of the same bytes (CDN_URL_EXPIRES_SECONDS, 5 minutes by default) when a CDN is configured and the file is ready; null otherwise." }),
    category: z.string(), tags: z.array(z.string()), uploadedAt: isoDate, lastModified: isoDate,
    status: z.enum(["processing", "ready", "rejected", "quarantined", "failed"]), statusReason: nullableString,
    ownerId: z.uuid(), cameraId: nullableString, siteId: nullableString, eventId: nullableString.meta({ description: "The counting event the file documents." }),
    capturedAt: isoDate.nullable(),
    thumbnailUrl: z.url().nullable().meta({ description: "WebP thumbnail (about 320 px) once processing made one." }),
    storageClass: z.enum(["STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE"]).meta({ description: "Where the original's content is; GLACIER and DEEP_ARCHIVE download only while retrieved (409 file_archived otherwise)." }),
    archivedAt: isoDate.nullable(),
  });

const mediaInfo = z
  .object({
    kind: z.enum(["image", "video"]), width: z.number().int().optional(), height: z.number().int().optional(), format: z.string().optional(),
    orientation: z.number().int().optional(), capturedAt: isoDate.optional(), cameraMake: z.string().optional(), cameraModel: z.string().optional(),
    gps: z.object({ lat: z.number(), lon: z.number() }).optional(), durationSeconds: z.number().optional(), videoCodec: z.string().optional(),
    audioCodec: z.string().optional(), unreadable: z.string().optional(),
  })
  .meta({ description: "What processing read from the content: EXIF for images, ffprobe facts for video." });

const pagination = z.object({
  page: z.number().int().nullable().describe("null when paging by cursor"),
  limit: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
  totalExact: z.boolean().describe(`false when total is the planner's estimate (above 10 000 matches)`),
  nextCursor: z.string().nullable().describe("pass as cursor for the next page; null on the last page"),
});

export const fileList = z
  .object({
    files: z.array(fileSummary),
    pagination,
  });

export const fileDetail = fileSummary
  .extend({
    metadata: z.record(z.string(), z.unknown()), checksum: nullableString, storageTier: z.string(), archiveRule: nullableString.meta({ description: "The archive rule that moved it." }),
    legalHold: z.boolean().meta({ description: "Under an active legal hold (the file, its camera or its counting event): it cannot be deleted, purged or archived." }),
    lastAccessedAt: isoDate.nullable().meta({ description: "Last download, preview or conversion (recorded at most once an hour)." }),
    media: mediaInfo.nullable(),
    variants: z.array(z.object({
      name: z.enum(["thumbnail", "preview", "poster"]), url: z.url(),
      cdnUrl: z.url().nullable().meta({ description: "Signed, long-lived edge URL (immutable content) when a CDN is configured; null otherwise." }),
      contentType: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable(), size: z.number().int(),
    })),
    versions: z.array(z.object({ version: z.string(), size: z.number().int(), url: z.url(), createdAt: isoDate, current: z.boolean(), missing: z.boolean().meta({ description: "Reconciliation found no stored object: downloads answer 409 file_missing" }) })),
  });

export const countingEvent = z.object({
  eventId: z.string(), cameras: z.array(z.string()), sites: z.array(z.string()),
  firstCapturedAt: isoDate.nullable(), lastCapturedAt: isoDate.nullable(),
  counts: z.object({ total: z.number().int(), image: z.number().int(), video: z.number().int(), other: z.number().int() }),
  truncated: z.boolean().describe("true when the event has more than 500 files; counts still cover all of them"),
  files: z.array(fileSummary.extend({
    kind: z.enum(["image", "video", "other"]), durationSeconds: z.number().nullable(), width: z.number().int().nullable(), height: z.number().int().nullable(),
  })).describe("in capture order; files without a capture time last, in upload order"),
});

const fileStatus = z.enum(["processing", "ready", "rejected", "quarantined", "failed"]);

export const versionInfo = z.object({
  version: z.number().int(), size: z.number().int(), mimeType: z.string(), checksum: nullableString.describe("SHA-256, once processing verified it"),
  status: fileStatus.describe("this version's own processing outcome; a new version becomes current once ready"), statusReason: nullableString,
  current: z.boolean(), restoredFrom: z.number().int().nullable().describe("set on a version recorded by a restore: the version whose content it shares"),
  uploadedBy: z.object({ type: z.enum(["user", "apiKey", "system"]), id: z.uuid().nullable(), name: z.string() })
    .describe("for a file's owner, other people's uploads are named by role only, without id"),
  createdAt: isoDate, url: z.url(),
});

export const versionList = z.object({ fileId: z.uuid(), versions: z.array(versionInfo) });

export const uploadResult = z
  .object({
    fileId: z.uuid(), filename: z.string(), size: z.number().int(), mimeType: z.string(), url: z.url(),
    cdnUrl: z.url().nullable().meta({ description: "Signed, short-lived edge URL of the same bytes (CDN_URL_EXPIRES_SECONDS, 5 minutes by default) when a CDN is configured and the file is ready; null otherwise." }),
    metadata: z.record(z.string(), z.unknown()), uploadedAt: isoDate, status: z.string(),
  });

export const bulkResult = z.object({
  action: z.enum(["tag", "untag", "category", "delete", "restore"]),
  succeeded: z.number().int(),
  failed: z.number().int(),
  results: z.array(z.object({
    id: z.uuid(), ok: z.boolean(), changed: z.boolean().optional().describe("false when the file already was as asked (nothing written)"),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })),
});

export const deleteResult = z.object({
  success: z.boolean(), message: z.string(), deletedAt: isoDate,
  purgedAt: isoDate.optional().describe("permanent=true only: when the file was purged"),
});

export const restoreResult = z.object({
  success: z.boolean(), restored: z.boolean().describe("false when the file was not in the trash (nothing changed)"), message: z.string(), file: fileSummary,
});

export const trashList = z.object({
  files: z.array(fileSummary.extend({
    ownerEmail: z.string(), deletedAt: isoDate,
    purgeAt: isoDate.nullable().describe("when the daily purge deletes it for good (TRASH_RETENTION_DAYS after the delete)"),
  })),
  pagination: z.object({
    limit: z.number().int(),
    total: z.number().int(),
    totalExact: z.boolean().describe("false when there are more than 10 000 (total is then the planner's estimate)"),
    nextCursor: z.string().nullable().describe("pass as cursor for the next page; null on the last page"),
  }),
});

export const user = z
  .object({ id: z.uuid(), email: z.email(), name: z.string(), role: z.enum(["user", "admin", "system", "auditor"]), disabled: z.boolean(), createdAt: isoDate });

export const apiKey = z
  .object({
    id: z.uuid(), name: z.string(), prefix: z.string(), scopes: z.array(z.string()), cameraId: nullableString, keyPrefix: nullableString,
    ownerId: z.uuid(), ownerEmail: nullableString, expiresAt: isoDate.nullable(), revokedAt: isoDate.nullable(), lastUsedAt: isoDate.nullable(), createdAt: isoDate,
  });

export const auditEvent = z
  .object({
    id: z.number().int(), seq: z.number().int().nullable().describe("Position in the hash chain; null until sealed (seconds after the event)"), occurredAt: isoDate, actorType: z.string(), actorId: nullableString, action: z.string(),
    fileId: z.uuid().nullable(), outcome: z.enum(["success", "failure", "denied"]), ip: nullableString, userAgent: nullableString,
    details: z.record(z.string(), z.unknown()), hash: nullableString,
    requestId: nullableString.describe("The request that made the change (its X-Request-Id); null for events no request caused"),
    actor: z.string().optional().describe("Who, in words (file trails); for a file's owner other actors' ids, IPs and user agents are null"),
  });

export const auditPage = z.object({
  events: z.array(auditEvent),
  nextCursor: nullableString.describe("the same as pagination.nextCursor (kept for older clients)"),
  pagination,
});
export const auditVerification = z.object({
  valid: z.boolean(), checked: z.number().int(), unsealed: z.number().int(), checkpoints: z.number().int(),
  firstBrokenId: z.number().int().optional(), firstBrokenSeq: z.number().int().optional(),
  reason: z.enum(["altered", "missing", "truncated", "rewritten", "forged_checkpoint"]).optional(),
});

export const job = z.object({
  id: z.uuid(), kind: z.string(), fileId: z.uuid(), status: z.enum(["queued", "running", "succeeded", "failed"]), step: nullableString,
  attempts: z.number().int(), resends: z.number().int(), lastError: nullableString, queuedAt: isoDate, startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(), durationMs: z.number().int().nullable(),
});

export const jobList = z.object({
  counts: z.object({ queued: z.number().int(), running: z.number().int(), succeeded: z.number().int(), failed: z.number().int() }),
  jobs: z.array(job.extend({ filename: z.string(), fileStatus: z.string(), statusReason: nullableString })),
});

export const archivePolicy = z.object({
  id: z.string(), name: z.string(), enabled: z.boolean(), minAgeDays: z.number().int().nullable(), minUnreadDays: z.number().int().nullable(),
  minSizeBytes: z.number().int().nullable(), destination: z.enum(["GLACIER", "DEEP_ARCHIVE"]), updatedAt: isoDate,
});
export const archivePolicyList = z.object({ policies: z.array(archivePolicy) });

export const lifecycleRun = z.object({
  id: z.uuid(), kind: z.enum(["archive", "retention", "reconcile"]), status: z.enum(["queued", "running", "succeeded", "failed"]),
  trigger: z.string().meta({ description: "schedule, or the id of who pressed run now" }), asOf: isoDate.nullable(),
  counts: z.record(z.string(), z.unknown()).meta({ description: "archive: examined, moved, movedBytes, byClass, byRule, objectsCopied, objectsAlreadyInClass, skippedShared, skippedChanged, failed, errors. retention: examined, kept, trashed, trashedBytes, archived, archivedBytes, byRule, skippedHeld, skippedShared, skippedChanged, failed, errors. reconcile: graceHours, pages, listedObjects, listedBytes, untracked, safe {recent, uploadInFlight, queuedForDeletion}, orphanCount, orphanBytes, orphanObjects [{key, size, lastModified, deletedAt?}] (first 200), orphansDeleted, missingCount, missingNew, missingObjects [{key, kind, fileId, versionId, expectedSize, new}] (first 200), missingCleared, sizeMismatchCount, sizeMismatches [{key, kind, expectedSize, actualSize}] (first 200)" }),
  error: nullableString, createdAt: isoDate, startedAt: isoDate.nullable(), finishedAt: isoDate.nullable(),
});
export const orphansDeleted = z.object({ runId: z.uuid(), deleted: z.array(z.string()), skipped: z.array(z.object({ key: z.string(), reason: z.string() })) });
export const lifecycleRunList = z.object({ runs: z.array(lifecycleRun) });
export const lifecycleRunAccepted = z.object({ runId: z.uuid(), kind: z.enum(["archive", "retention", "reconcile"]), status: z.string() });

export const retentionRule = z.object({
  id: z.string(), name: z.string(), enabled: z.boolean(), scope: z.enum(["camera", "site", "category"]), scopeValue: z.string(),
  keepDays: z.number().int(), action: z.enum(["delete", "archive"]), destination: z.enum(["GLACIER", "DEEP_ARCHIVE"]).nullable(), updatedAt: isoDate,
});
export const retentionRuleList = z.object({ rules: z.array(retentionRule) });

export const legalHold = z.object({
  id: z.uuid(),
  scope: z.union([z.object({ fileId: z.uuid() }), z.object({ cameraId: z.string() }), z.object({ eventId: z.string() })]),
  reason: z.string(), active: z.boolean(), createdBy: z.string(), createdAt: isoDate, releasedBy: nullableString, releasedAt: isoDate.nullable(),
  files: z.number().int().optional().meta({ description: "Files the hold covers (trashed ones included)" }),
});
export const legalHoldList = z.object({ holds: z.array(legalHold) });

export const retrieval = z.object({
  retrievalId: z.uuid(), fileId: z.uuid(), filename: nullableString, storageClass: z.enum(["GLACIER", "DEEP_ARCHIVE"]),
  tier: z.enum(["expedited", "standard", "bulk"]), days: z.number().int(), status: z.enum(["pending", "ready", "expired", "failed"]),
  bytes: z.number().int(), estimatedCost: z.number().meta({ description: "Dollars: per-GB price plus the per-request fee" }),
  estimatedReadyAt: isoDate, readyAt: isoDate.nullable(), expiresAt: isoDate.nullable(), error: nullableString, createdAt: isoDate,
});
export const retrievalList = z.object({ retrievals: z.array(retrieval) });
export const cdnInvalidationList = z.object({
  provider: z.enum(["off", "nginx", "cloudfront"]),
  month: z.object({
    start: isoDate, invalidations: z.number().int(), paths: z.number().int().describe("billed paths (a wildcard is one)"),
    costUsd: z.number(), freePaths: z.number().int().nullable().describe("free paths a month (CloudFront: 1000); null when the provider bills nothing"),
  }),
  queuedPaths: z.number().int().describe("paths waiting for the next batch"),
  edgeCache: z.object({ byStatus: z.record(z.string(), z.number().int()), hitRatio: z.number().nullable() }),
  invalidations: z.array(z.object({
    id: z.uuid(), provider: z.string(), providerId: nullableString, status: z.enum(["pending", "in_progress", "completed", "failed"]),
    pathCount: z.number().int(), paths: z.array(z.string()).describe("the first 5"), costUsd: z.number(), attempts: z.number().int(),
    lastError: nullableString, createdAt: isoDate, submittedAt: isoDate.nullable(), completedAt: isoDate.nullable(),
  })),
});

export const alert = z.object({
  id: z.uuid(), rule: z.string().describe("the rule that fired: processing-failures, storage-threshold, audit-chain-invalid, webhook-failures"),
  key: z.string().describe("which condition of the rule (one alert per rule and key while unresolved)"),
  severity: z.enum(["info", "warning", "critical"]), status: z.enum(["open", "acknowledged", "resolved"]), title: z.string(),
  details: z.record(z.string(), z.unknown()).describe("what the rule measured when it last saw the condition"),
  openedAt: isoDate, lastSeenAt: isoDate, acknowledgedAt: isoDate.nullable(), acknowledgedBy: z.uuid().nullable(), resolvedAt: isoDate.nullable(),
});

export const alertList = z.object({
  alerts: z.array(alert),
  counts: z.object({ open: z.number().int(), acknowledged: z.number().int() }),
});

export const requested = z.object({ requested: z.literal(true), eventId: nullableString.describe("the workflow event sent") });

const hourly = z.object({ hour: isoDate });
const history = z.object({ names: z.array(z.string()), points: z.array(z.object({ day: z.string() }).catchall(z.union([z.number(), z.string()]))) });

export const operationsOverview = z.object({
  generatedAt: isoDate,
  totals: z.object({
    files: z.number().int(), bytes: z.number().int(), trashFiles: z.number().int(), trashBytes: z.number().int(),
    storedBytes: z.number().int().describe("every owner's stored versions and trash (the quota counters)"), monthlyCost: z.number(),
  }),
  byTier: z.array(z.object({ tier: z.string(), files: z.number().int(), bytes: z.number().int(), pricePerGbMonth: z.number(), monthlyCost: z.number() })),
  today: z.object({ uploads: z.number().int(), uploadBytes: z.number().int(), downloads: z.number().int() }).describe("since midnight UTC"),
  jobs: z.object({ failed: z.number().int(), failedLast24h: z.number().int(), queued: z.number().int(), running: z.number().int() }),
  lastBackup: z.object({ finishedAt: isoDate, status: z.string(), bytes: z.number().int() }).nullable().describe("null until a backup has run"),
  alerts: z.object({ open: z.number().int(), acknowledged: z.number().int() }),
  activity: z.array(hourly.extend({ uploads: z.number().int(), downloads: z.number().int() })).describe("the last 24 hours: uploaded versions, and file.download audit rows"),
  processingDurations: z.array(hourly.extend({ jobs: z.number().int(), p50: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable() })).describe("seconds, succeeded processing jobs by the hour they finished"),
  errors: z.array(z.object({ source: z.enum(["processing", "audit", "webhooks"]), name: z.string(), count: z.number().int() })).describe("the last 7 days: failed jobs by step, failed or denied audit rows by action, failed deliveries by event"),
  storageHistory: z.object({ tiers: history, cameras: history }).describe("bytes per day from the daily snapshots, today computed live"),
  cameras: z.array(z.object({ cameraId: nullableString, files: z.number().int(), bytes: z.number().int(), bytesByTier: z.record(z.string(), z.number()), monthlyCost: z.number() })),
  cameraCount: z.number().int(),
  prices: z.object({ currency: z.string(), perGbMonth: z.record(z.string(), z.number()) }),
});

// Backups (issue 10): lib/backup/serialize.ts's BackupSetView and lib/backup/queries.ts.
const backupProgress = z.object({ phase: z.string().meta({ description: "queued, snapshot, copy or verify" }), done: z.number().int(), total: z.number().int() });
export const backupSet = z.object({
  id: z.uuid(), type: z.enum(["full", "incremental"]), status: z.enum(["running", "verifying", "completed", "failed", "expired"]),
  trigger: z.enum(["schedule", "manual"]), baseSetId: z.uuid().nullable().meta({ description: "An incremental's full set" }),
  startedAt: isoDate, finishedAt: isoDate.nullable(), durationMs: z.number().int().nullable(),
  epochAt: isoDate.nullable().meta({ description: "The database snapshot's time: the point the set restores to" }),
  objects: z.number().int(), objectsCopied: z.number().int(), bytesTotal: z.number().int(), bytesCopied: z.number().int(), databaseBytes: z.number().int(),
  progress: backupProgress.nullable(), error: nullableString,
  verification: z.enum(["pending", "passed", "failed"]), verifiedAt: isoDate.nullable(), verificationError: nullableString,
  drill: z.object({ status: z.enum(["pending", "passed", "failed"]), at: isoDate.nullable(), durationMs: z.number().int().nullable(), error: nullableString }).nullable(),
});
const cronNext = z.object({ cron: z.string(), next: isoDate.nullable() });
export const backupList = z.object({
  data: z.array(backupSet),
  nextCursor: nullableString,
  schedule: z.object({ full: cronNext, incremental: cronNext, drill: cronNext }),
  rpoSeconds: z.number().int().nullable().meta({ description: "Seconds since the epoch of the newest verified set" }),
  lastDrill: z.object({ setId: z.uuid(), at: isoDate, durationMs: z.number().int().nullable(), status: z.enum(["pending", "passed", "failed"]) }).nullable(),
});
export const backupDetail = backupSet.extend({
  manifest: z.object({
    epoch: isoDate, lsn: z.string(), lastMigration: z.string(),
    tables: z.array(z.object({ name: z.string(), rows: z.number().int() })),
    totals: z.object({ objects: z.number().int(), bytes: z.number().int(), objectsCopied: z.number().int(), bytesCopied: z.number().int(), databaseBytes: z.number().int() }),
  }).nullable().meta({ description: "The manifest's summary, once the set has one" }),
});
export const backupAccepted = z.object({ backupId: z.uuid() });
export const backupStatus = z.object({
  lastBackup: isoDate.nullable().meta({ description: "When the newest completed set finished (null before the first)" }),
  backupStatus: z.enum(["success", "failed", "in_progress"]),
  backupSize: z.number().int().meta({ description: "Bytes of the newest completed set: the objects it references plus its database dumps" }),
  backupCount: z.number().int().meta({ description: "Completed sets kept" }),
  nextBackup: isoDate.nullable(),
  errors: z.array(z.string()).optional().meta({ description: "Present when the newest set failed" }),
}).strict();
