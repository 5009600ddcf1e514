import { z } from "zod";

// Response shapes of the restore and drill routes (lib/backup/restore).
const isoDate = z.iso.datetime({ offset: true });

export const restoreAccepted = z.object({ restoreId: z.uuid(), status: z.literal("queued") });
export const drillAccepted = z.object({ setId: z.uuid(), drill: z.literal("pending") });

const restoreFile = z.object({
  fileId: z.uuid(), name: z.string(), ownerId: z.uuid(), action: z.enum(["restore", "skip"]),
  reason: z.string().meta({ description: "restore: purged (rows gone), incomplete (versions, variants or objects missing), overwrite_newer; skip: unchanged, newer (changed after the epoch), owner_missing" }),
  versions: z.number().int(), variants: z.number().int(), objects: z.number().int(), bytes: z.number().int(),
  newer: z.boolean().optional().meta({ description: "Changed after the set's epoch: skipped unless overwriteNewer" }),
});

export const restoreJob = z.object({
  id: z.uuid(), setId: z.uuid(),
  scope: z.unknown().meta({ description: "The request's scope: \"all\", { fileIds }, { cameraId }, { siteId }, { eventId } or { capturedFrom, capturedTo }" }),
  dryRun: z.boolean(), overwriteNewer: z.boolean(), status: z.enum(["queued", "running", "completed", "failed"]),
  progress: z.object({ phase: z.string(), done: z.number().int(), total: z.number().int() }).nullable(),
  requestedBy: z.uuid().nullable(), createdAt: isoDate, startedAt: isoDate.nullable(), finishedAt: isoDate.nullable(), error: z.string().nullable(),
  result: z.object({
    files: z.array(restoreFile), truncated: z.boolean(),
    totals: z.object({ files: z.number().int(), versions: z.number().int(), objects: z.number().int(), bytes: z.number().int(), skipped: z.number().int(), newer: z.number().int(), objectsCopied: z.number().int() }),
  }).nullable(),
});
export const restoreJobList = z.object({ data: z.array(restoreJob) });
