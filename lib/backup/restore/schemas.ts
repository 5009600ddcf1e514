import { z } from "zod";

const text = z.string().trim().min(1).max(128);

/** What a restore brings back: some files (by ids, camera, site, counting event, capture time) or everything. */
export const restoreScopeSchema = z.union([
  z.literal("all"),
  z.object({ fileIds: z.array(z.uuid()).min(1).max(1000) }).strict(),
  z.object({ cameraId: text }).strict(),
  z.object({ siteId: text }).strict(),
  z.object({ eventId: text }).strict(),
  z
    .object({ capturedFrom: z.iso.datetime({ offset: true }), capturedTo: z.iso.datetime({ offset: true }) })
    .strict()
    .refine((s) => Date.parse(s.capturedFrom) <= Date.parse(s.capturedTo), { message: "capturedFrom must not be after capturedTo" }),
]);
export type RestoreScope = z.infer<typeof restoreScopeSchema>;

export const restoreRequestSchema = z
  .object({
    scope: restoreScopeSchema,
    /** Say what would be restored, skipped and why; change nothing. */
    dryRun: z.boolean().default(false),
    /** Restore files changed after the set's epoch too (listed with newer: true either way). */
    overwriteNewer: z.boolean().default(false),
  })
  .strict();
export type RestoreRequest = z.infer<typeof restoreRequestSchema>;

export const backupSetIdSchema = z.uuid({ error: "not a backup id" });
export const restoreIdSchema = z.uuid({ error: "not a restore id" });
export const listRestoresQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  setId: z.uuid().optional(),
});

/** One file of a restore's result. */
export interface RestoreFileResult {
  fileId: string;
  name: string;
  ownerId: string;
  action: "restore" | "skip";
  /** purged | incomplete | overwrite_newer (restored); unchanged | newer | owner_missing (skipped) */
  reason: string;
  versions: number;
  variants: number;
  /** Objects the set holds for the file (versions and variants), and their bytes. */
  objects: number;
  bytes: number;
  newer?: boolean;
}

export interface RestoreResult {
  files: RestoreFileResult[];
  /** More files than the list holds (it keeps the first 1000; the totals count all). */
  truncated: boolean;
  totals: { files: number; versions: number; objects: number; bytes: number; skipped: number; newer: number; objectsCopied: number };
}
