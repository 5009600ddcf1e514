import { z } from "zod";

export const listAuditQuerySchema = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  fileId: z.uuid().optional(),
  outcome: z.enum(["success", "failure", "denied"]).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** The `id` of the last row of the previous page (`nextCursor`); pages go from newest to oldest. */
  cursor: z.coerce.number().int().positive().optional(),
  /** Offset paging for shallow pages; ignored when `cursor` is given, which pages at any depth. */
  page: z.coerce.number().int().min(1).max(100000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ListAuditQuery = z.output<typeof listAuditQuerySchema>;
