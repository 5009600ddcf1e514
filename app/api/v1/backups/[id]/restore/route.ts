// POST /api/v1/backups/{id}/restore — restore files (or plan it: dryRun) from a completed, verified set (admins)
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { requestRestore } from "@/lib/backup/restore/jobs";
import { backupSetIdSchema, restoreRequestSchema } from "@/lib/backup/restore/schemas";

export const POST = withApi<{ id: string }>(
  async ({ req, ctx, params }) => {
    const setId = backupSetIdSchema.parse(params.id);
    const input = restoreRequestSchema.parse(await readJson(req));
    return jsonResponse(await requestRestore(ctx, setId, input), { status: 202 });
  },
  { permission: "backup.manage" },
);
