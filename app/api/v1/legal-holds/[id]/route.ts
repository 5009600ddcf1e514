// DELETE /api/v1/legal-holds/{id} — lift a legal hold (admins)
import { withApi } from "@/lib/api/with-api";
import { releaseLegalHold } from "@/lib/retention/holds";
import { legalHoldIdSchema } from "@/lib/retention/schemas";

export const DELETE = withApi<{ id: string }>(async ({ ctx, params }) => releaseLegalHold(ctx, legalHoldIdSchema.parse(params.id)), { permission: "lifecycle.manage" });
