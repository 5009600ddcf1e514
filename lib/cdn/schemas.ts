import { z } from "zod";

export const cdnInvalidationListQuerySchema = z.object({
  status: z.enum(["pending", "in_progress", "completed", "failed"]).optional(),
  /** Only invalidations that covered this edge path. */
  path: z.string().regex(/^\/media\/[\w\-/*]+$/).max(300).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
