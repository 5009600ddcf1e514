import { z } from "zod";

// Response shapes for the OpenAPI document. The API's serializers return exactly these fields; the
// contract test compares real responses against them.
const isoDate = z.iso.datetime({ offset: true });
const nullableString = z.string().nullable();

export const errorEnvelope = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const fileSummary = z
  .object({
    fileId: z.uuid(), filename: z.string(), size: z.number().int(), mimeType: z.string(), url: z.url(),
    category: z.string(), tags: z.array(z.string()), uploadedAt: isoDate, lastModified: isoDate,
    status: z.enum(["processing", "ready", "rejected", "quarantined", "failed"]), statusReason: nullableString,
    ownerId: z.uuid(), cameraId: nullableString, siteId: nullableString, eventId: nullableString.meta({ description: "The counting event the file documents." }),
    capturedAt: isoDate.nullable(),
    thumbnailUrl: z.url().nullable().meta({ description: "WebP thumbnail (about 320 px) once processing made one." }),
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
    metadata: z.record(z.string(), z.unknown()), checksum: nullableString, storageTier: z.string(), lastAccessedAt: isoDate.nullable(),
    media: mediaInfo.nullable(),
    variants: z.array(z.object({
      name: z.enum(["thumbnail", "preview", "poster"]), url: z.url(), contentType: z.string(), width: z.number().int().nullable(), height: z.number().int().nullable(), size: z.number().int(),
    })),
    versions: z.array(z.object({ version: z.string(), size: z.number().int(), url: z.url(), createdAt: isoDate, current: z.boolean() })),
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
