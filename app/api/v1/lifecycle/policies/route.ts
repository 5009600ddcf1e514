// GET /api/v1/lifecycle/policies — the archive rules; PUT — replace them all, validated and audited (admins)
import { readJson, withApi } from "@/lib/api/with-api";
import { listArchivePolicies, replaceArchivePolicies } from "@/lib/archive/policies";
import { archivePoliciesSchema } from "@/lib/archive/schemas";

export const GET = withApi(async ({ ctx }) => listArchivePolicies(ctx), { permission: "lifecycle.manage" });

export const PUT = withApi(
  async ({ req, ctx }) => replaceArchivePolicies(ctx, archivePoliciesSchema.parse(await readJson(req))),
  { permission: "lifecycle.manage" },
);
