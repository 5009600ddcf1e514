// GET /api/v1/lifecycle/runs/{id} — a run's status and counts (admins)
import { withApi } from "@/lib/api/with-api";
import { getLifecycleRun } from "@/lib/archive/runs";
import { lifecycleRunIdSchema } from "@/lib/archive/schemas";

export const GET = withApi<{ id: string }>(async ({ ctx, params }) => getLifecycleRun(ctx, lifecycleRunIdSchema.parse(params.id)), { permission: "lifecycle.manage" });
