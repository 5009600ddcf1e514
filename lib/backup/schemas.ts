import { z } from "zod";

/** `POST /api/v1/backups`. */
export const createBackupSchema = z.object({ type: z.enum(["full", "incremental"]) }).strict();

export const backupIdSchema = z.uuid({ error: "Backup id must be a UUID." });

/** `GET /api/v1/backups?limit&cursor`: newest first; `cursor` is the previous page's `nextCursor`. */
export const listBackupsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export type ListBackupsQuery = z.output<typeof listBackupsQuerySchema>;
