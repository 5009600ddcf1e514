// POST /api/v1/files/{id}/retrievals — ask for an archived file back ({ tier, days }) → 202 with the estimate (owner or admin)
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { requestRetrieval } from "@/lib/archive/retrievals";
import { createRetrievalSchema } from "@/lib/archive/schemas";
import { fileIdSchema } from "@/lib/files/schemas";

export const POST = withApi<{ id: string }>(
  async ({ req, ctx, params }) => jsonResponse(await requestRetrieval(ctx, fileIdSchema.parse(params.id), createRetrievalSchema.parse(await readJson(req))), { status: 202 }),
  { permission: "files.read" },
);
