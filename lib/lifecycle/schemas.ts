import { z } from "zod";
import { archivePolicySchema } from "@/lib/archive/schemas";
import { retentionRuleSchema } from "@/lib/retention/schemas";

const uniqueIds = (rules: { id: string }[]) => new Set(rules.map((r) => r.id)).size === rules.length;

/** `POST /api/v1/lifecycle/simulate`: the rules are drafts in the shapes the PUT endpoints take; absent: the saved ones. */
export const simulateLifecycleSchema = z
  .object({
    days: z.number().int().min(1).max(365).meta({ description: "How many days to simulate: day 0 is the runs as if they ran now, day d the runs d days later." }),
    policies: z.array(archivePolicySchema).max(50).refine(uniqueIds, "Rule ids must be unique.").optional()
      .meta({ description: "Draft archive rules (as PUT /api/v1/lifecycle/policies takes them, in order); the saved ones when omitted." }),
    retention: z.array(retentionRuleSchema).max(200).refine(uniqueIds, "Rule ids must be unique.").optional()
      .meta({ description: "Draft retention rules (as PUT /api/v1/lifecycle/retention takes them); the saved ones when omitted." }),
  })
  .strict();

export type SimulateLifecycleInput = z.infer<typeof simulateLifecycleSchema>;
