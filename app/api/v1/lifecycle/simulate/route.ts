// POST /api/v1/lifecycle/simulate — what the lifecycle runs would do over the next N days, with the saved rules or a draft; nothing moves (admins)
import { readJson, withApi } from "@/lib/api/with-api";
import { simulateLifecycleSchema } from "@/lib/lifecycle/schemas";
import { simulateLifecycle } from "@/lib/lifecycle/simulate";

export const POST = withApi(
  async ({ req, ctx }) => simulateLifecycle(ctx, simulateLifecycleSchema.parse(await readJson(req))),
  { permission: "lifecycle.manage" },
);
