import { z } from "zod";
import type { ArchiveClass, RetrievalTier } from "@/db/schema/lifecycle";

const HOUR = 3_600_000;
const GiB = 1024 ** 3;

export interface TierTerms {
  /** How long S3 takes (the upper figure; estimates promise no earlier than this). */
  hours: number;
  perGb: number;
  /** The per-request fee, in dollars. */
  perRequest: number;
  /** Largest retrieval this tier takes, in bytes (null: no limit). */
  maxBytes: number | null;
}

export type RetrievalPricing = Record<ArchiveClass, Partial<Record<RetrievalTier, TierTerms>>>;

/**
 * The spec's "Archive Storage Configuration" figures (times, $/GB, largest retrieval); the spec gives no
 * expedited time (AWS: 1-5 minutes) and no request fees, so those are AWS's list prices (per request:
 * Glacier expedited $0.01, standard $0.00005, bulk $0.000025; Deep Archive standard $0.0001, bulk $0.000025).
 * Deep Archive has no expedited tier.
 */
export const DEFAULT_RETRIEVAL_PRICING: RetrievalPricing = {
  GLACIER: {
    expedited: { hours: 5 / 60, perGb: 0.03, perRequest: 0.01, maxBytes: 5 * GiB },
    standard: { hours: 3, perGb: 0.01, perRequest: 0.00005, maxBytes: 40 * GiB },
    bulk: { hours: 5, perGb: 0.0025, perRequest: 0.000025, maxBytes: 100 * GiB },
  },
  DEEP_ARCHIVE: {
    standard: { hours: 12, perGb: 0.0025, perRequest: 0.0001, maxBytes: null },
    bulk: { hours: 48, perGb: 0.00099, perRequest: 0.000025, maxBytes: null },
  },
};

const termsOverride = z.object({
  hours: z.number().positive(), perGb: z.number().min(0), perRequest: z.number().min(0), maxBytes: z.number().int().positive().nullable(),
}).partial().strict();
const tiersOverride = z.object({ expedited: termsOverride.nullable(), standard: termsOverride.nullable(), bulk: termsOverride.nullable() }).partial().strict();
const pricingOverride = z.object({ GLACIER: tiersOverride, DEEP_ARCHIVE: tiersOverride }).partial().strict();

/** The defaults with ARCHIVE_RETRIEVAL_PRICING's JSON laid over them (null switches a tier off). */
export function retrievalPricing(json: string): RetrievalPricing {
  if (!json.trim()) return DEFAULT_RETRIEVAL_PRICING;
  const override = pricingOverride.parse(JSON.parse(json));
  const merged: RetrievalPricing = { GLACIER: { ...DEFAULT_RETRIEVAL_PRICING.GLACIER }, DEEP_ARCHIVE: { ...DEFAULT_RETRIEVAL_PRICING.DEEP_ARCHIVE } };
  for (const cls of ["GLACIER", "DEEP_ARCHIVE"] as const) {
    for (const [tier, terms] of Object.entries(override[cls] ?? {}) as [RetrievalTier, z.infer<typeof termsOverride> | null][]) {
      if (terms === null) delete merged[cls][tier];
      else {
        const base = merged[cls][tier] ?? { hours: 1, perGb: 0, perRequest: 0, maxBytes: null };
        merged[cls][tier] = { ...base, ...terms };
      }
    }
  }
  return merged;
}

export type Estimate =
  | { ok: true; cost: number; delayMs: number }
  | { ok: false; reason: string };

/** Cost (per-GB plus the request fee, rounded to a hundredth of a cent) and S3's delay, unscaled. */
export function estimateRetrieval(pricing: RetrievalPricing, cls: ArchiveClass, tier: RetrievalTier, bytes: number): Estimate {
  const terms = pricing[cls][tier];
  if (!terms) return { ok: false, reason: `${cls} has no ${tier} retrieval; use ${Object.keys(pricing[cls]).join(" or ")}.` };
  if (terms.maxBytes !== null && bytes > terms.maxBytes) {
    return { ok: false, reason: `A ${tier} retrieval from ${cls} takes at most ${terms.maxBytes} bytes; this file has ${bytes}.` };
  }
  const cost = Math.round(((bytes / GiB) * terms.perGb + terms.perRequest) * 10_000) / 10_000;
  return { ok: true, cost, delayMs: terms.hours * HOUR };
}
