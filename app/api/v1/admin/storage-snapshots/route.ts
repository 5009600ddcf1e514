// POST /api/v1/admin/storage-snapshots — take today's storage snapshot now instead of at its daily time (admins)
import { withApi } from "@/lib/api/with-api";
import { jsonResponse } from "@/lib/api/json-response";
import { requestStorageSnapshot } from "@/lib/operations/snapshots";

export const POST = withApi(async ({ ctx }) => jsonResponse(await requestStorageSnapshot(ctx), { status: 202 }), { permission: "ops.manage" });
