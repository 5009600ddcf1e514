// POST /api/v1/lifecycle/runs/{id}/delete-orphans — delete a finished reconciliation's orphan objects (all, or `keys`) (admins)
import { readJson, withApi } from "@/lib/api/with-api";
import { deleteOrphansSchema, lifecycleRunIdSchema } from "@/lib/archive/schemas";
import { deleteRunOrphans } from "@/lib/reconcile/orphans";

export const POST = withApi<{ id: string }>(
  async ({ req, ctx, params }) => deleteRunOrphans(ctx, lifecycleRunIdSchema.parse(params.id), deleteOrphansSchema.parse(await readJson(req))),
  { permission: "lifecycle.manage" },
);
