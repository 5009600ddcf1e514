import { z } from "zod";

export const jobIdSchema = z.uuid();

export const jobListQuerySchema = z.object({
  status: z.enum(["queued", "running", "succeeded", "failed"]).optional(),
  fileId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
