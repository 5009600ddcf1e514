// GET /api/v1/lifecycle/retention — the retention rules; PUT — replace them all, validated and audited (admins)
import { readJson, withApi } from "@/lib/api/with-api";
import { listRetentionRules, replaceRetentionRules } from "@/lib/retention/rules";
import { retentionRulesSchema } from "@/lib/retention/schemas";

export const GET = withApi(async ({ ctx }) => listRetentionRules(ctx), { permission: "lifecycle.manage" });

export const PUT = withApi(
  async ({ req, ctx }) => replaceRetentionRules(ctx, retentionRulesSchema.parse(await readJson(req))),
  { permission: "lifecycle.manage" },
);
