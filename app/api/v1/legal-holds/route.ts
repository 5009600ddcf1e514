// GET /api/v1/legal-holds — legal holds (active by default); POST — hold a file, camera or event → 201 (admins)
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { createLegalHold, listLegalHolds } from "@/lib/retention/holds";
import { createLegalHoldSchema, listLegalHoldsQuerySchema } from "@/lib/retention/schemas";

export const GET = withApi(
  async ({ req, ctx }) => listLegalHolds(ctx, listLegalHoldsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "lifecycle.manage" },
);

export const POST = withApi(
  async ({ req, ctx }) => jsonResponse(await createLegalHold(ctx, createLegalHoldSchema.parse(await readJson(req))), { status: 201 }),
  { permission: "lifecycle.manage" },
);
