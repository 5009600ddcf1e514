// GET /api/v1/backups/{id} — one backup set, with its manifest's summary (admins)
import { withApi } from "@/lib/api/with-api";
import { getBackup } from "@/lib/backup/queries";
import { backupIdSchema } from "@/lib/backup/schemas";

export const GET = withApi<{ id: string }>(async ({ ctx, params }) => getBackup(ctx, backupIdSchema.parse(params.id)), { permission: "backup.manage" });
