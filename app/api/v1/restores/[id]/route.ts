// GET /api/v1/restores/{id} — a restore job: progress, then what was (or, for a dry run, would be) restored (admins)
import { withApi } from "@/lib/api/with-api";
import { getRestore } from "@/lib/backup/restore/jobs";
import { restoreIdSchema } from "@/lib/backup/restore/schemas";

export const GET = withApi<{ id: string }>(async ({ ctx, params }) => getRestore(ctx, restoreIdSchema.parse(params.id)), { permission: "backup.manage" });
