// GET /api/v1/lifecycle/runs — recent lifecycle runs; POST — "run now" ({ kind: "archive" }) → 202 { runId } (admins)
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { listLifecycleRuns, requestLifecycleRun } from "@/lib/archive/runs";
import { createLifecycleRunSchema, listLifecycleRunsQuerySchema } from "@/lib/archive/schemas";

export const GET = withApi(
  async ({ req, ctx }) => listLifecycleRuns(ctx, listLifecycleRunsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "lifecycle.manage" },
);

export const POST = withApi(
  async ({ req, ctx }) => jsonResponse(await requestLifecycleRun(ctx, createLifecycleRunSchema.parse(await readJson(req))), { status: 202 }),
  { permission: "lifecycle.manage" },
);
