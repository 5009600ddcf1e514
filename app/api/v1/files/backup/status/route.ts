// GET /api/v1/files/backup/status — the spec's backup status (admins, and API keys with the backup:read scope)
import { withApi } from "@/lib/api/with-api";
import { backupStatus } from "@/lib/backup/queries";

export const GET = withApi(async ({ ctx }) => backupStatus(ctx), { permission: "backup.read" });
