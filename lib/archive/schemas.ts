import { z } from "zod";

const DAYS_MAX = 36_500;

/** One archive rule as the API and the dashboard send it: at least one condition, a cold destination. */
export const archivePolicySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "id: lowercase letters, digits and dashes, at most 63"),
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean(),
    minAgeDays: z.number().int().min(1).max(DAYS_MAX).nullable().meta({ description: "Uploaded at least this many days ago." }),
    minUnreadDays: z.number().int().min(1).max(DAYS_MAX).nullable().meta({ description: "Not downloaded, previewed or converted for this many days (upload time when never read)." }),
    minSizeBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().meta({ description: "At least this many bytes." }),
    destination: z.enum(["GLACIER", "DEEP_ARCHIVE"]),
  })
  .strict()
  .refine((p) => p.minAgeDays !== null || p.minUnreadDays !== null || p.minSizeBytes !== null, {
    message: "A rule needs at least one condition (minAgeDays, minUnreadDays or minSizeBytes).",
    path: ["minAgeDays"],
  });

/** PUT replaces the whole list; its order is the tie-break among rules with the same destination. */
export const archivePoliciesSchema = z
  .object({ policies: z.array(archivePolicySchema).max(50) })
  .strict()
  .refine((b) => new Set(b.policies.map((p) => p.id)).size === b.policies.length, { message: "Rule ids must be unique.", path: ["policies"] });

export const LIFECYCLE_RUN_KINDS = ["archive", "retention", "reconcile"] as const;

export const createLifecycleRunSchema = z
  .object({
    kind: z.enum(LIFECYCLE_RUN_KINDS),
    graceHours: z.number().min(0).max(8760).optional()
      .meta({ description: "Reconciliation only: report objects without a row once older than this many hours (default RECONCILE_GRACE_HOURS)." }),
  })
  .strict()
  .refine((r) => r.graceHours === undefined || r.kind === "reconcile", { message: "graceHours applies to reconcile runs only.", path: ["graceHours"] });

export const deleteOrphansSchema = z
  .object({ keys: z.array(z.string().min(1).max(1024)).min(1).max(1000).optional().meta({ description: "Only these of the run's orphans; all of them when omitted." }) })
  .strict();

export const lifecycleRunIdSchema = z.uuid({ error: "Run id must be a UUID." });

export const listLifecycleRunsQuerySchema = z.object({
  kind: z.enum(LIFECYCLE_RUN_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const createRetrievalSchema = z
  .object({
    tier: z.enum(["expedited", "standard", "bulk"]),
    days: z.number().int().min(1).max(365).default(1).meta({ description: "How long the file stays downloadable once ready." }),
  })
  .strict();

export const retrievalIdSchema = z.uuid({ error: "Retrieval id must be a UUID." });

export const listRetrievalsQuerySchema = z.object({
  status: z.enum(["pending", "ready", "expired", "failed"]).optional(),
  fileId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
