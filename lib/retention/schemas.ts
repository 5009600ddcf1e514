import { z } from "zod";
import { DECEPTIVE_CHARACTERS } from "@/lib/files/filename";
import { eventIdSchema } from "@/lib/files/schemas";

const DAYS_MAX = 36_500;

/** Text shown to admins and written to the audit log: no control or text-direction characters. */
const plainText = (max: number) =>
  z.string().trim().min(1).max(max).refine((t) => !DECEPTIVE_CHARACTERS.test(t), "May not contain control or text-direction characters");

/** One retention rule as the API and the dashboard send it. */
export const retentionRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "id: lowercase letters, digits and dashes, at most 63"),
    name: plainText(100),
    enabled: z.boolean(),
    scope: z.enum(["camera", "site", "category"]).meta({ description: "What the rule applies to: every file of one camera, site or category." }),
    scopeValue: plainText(128).meta({ description: "The camera id, site id or category." }),
    keepDays: z.number().int().min(1).max(DAYS_MAX).meta({ description: "Kept this many days after its upload." }),
    action: z.enum(["delete", "archive"]).meta({ description: "Then moved to the trash (delete) or archived to destination." }),
    destination: z.enum(["GLACIER", "DEEP_ARCHIVE"]).nullable().meta({ description: "The archive class; required for archive, null for delete." }),
  })
  .strict()
  .refine((r) => (r.action === "archive") === (r.destination !== null), {
    message: "An archive rule needs a destination; a delete rule has none.",
    path: ["destination"],
  });

/** PUT replaces the whole list. */
export const retentionRulesSchema = z
  .object({ rules: z.array(retentionRuleSchema).max(200) })
  .strict()
  .refine((b) => new Set(b.rules.map((r) => r.id)).size === b.rules.length, { message: "Rule ids must be unique.", path: ["rules"] });


/** `POST /api/v1/legal-holds`: exactly one of a file, a camera or a counting event, with a reason. */
export const createLegalHoldSchema = z
  .object({
    scope: z.union([
      z.object({ fileId: z.uuid({ error: "fileId must be a UUID." }) }).strict(),
      z.object({ cameraId: plainText(128) }).strict(),
      z.object({ eventId: eventIdSchema }).strict(),
    ]).meta({ description: "{ fileId } | { cameraId } | { eventId }" }),
    reason: plainText(1000),
  })
  .strict();

export const legalHoldIdSchema = z.uuid({ error: "Legal hold id must be a UUID." });

export const listLegalHoldsQuerySchema = z.object({
  status: z.enum(["active", "released", "all"]).default("active"),
  fileId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type RetentionRuleInput = z.infer<typeof retentionRuleSchema>;
