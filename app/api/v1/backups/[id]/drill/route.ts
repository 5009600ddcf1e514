// POST /api/v1/backups/{id}/drill — restore drill of a completed, verified set now (admins)
import { jsonResponse } from "@/lib/api/json-response";
import { withApi } from "@/lib/api/with-api";
import { requestDrill } from "@/lib/backup/restore/drill-job";
import { backupSetIdSchema } from "@/lib/backup/restore/schemas";

export const POST = withApi<{ id: string }>(
  async ({ ctx, params }) => jsonResponse(await requestDrill(ctx, backupSetIdSchema.parse(params.id)), { status: 202 }),
  { permission: "backup.manage" },
);
