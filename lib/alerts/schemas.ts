import { z } from "zod";

export const alertIdSchema = z.uuid({ error: "Alert id must be a UUID." });

export const listAlertsQuerySchema = z.object({
  /** `active`: open or acknowledged, what still needs someone. */
  status: z.enum(["active", "open", "acknowledged", "resolved", "all"]).default("active"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListAlertsQuery = z.output<typeof listAlertsQuerySchema>;
