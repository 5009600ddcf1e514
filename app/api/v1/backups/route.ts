// GET /api/v1/backups — backup history, schedule, RPO and last drill; POST — a manual run ({ type }) → 202 { backupId } (admins)
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { listBackups } from "@/lib/backup/queries";
import { requestBackup } from "@/lib/backup/run";
import { createBackupSchema, listBackupsQuerySchema } from "@/lib/backup/schemas";

export const GET = withApi(
  async ({ req, ctx }) => listBackups(ctx, listBackupsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "backup.manage" },
);

export const POST = withApi(
  async ({ req, ctx }) => jsonResponse(await requestBackup(ctx, createBackupSchema.parse(await readJson(req))), { status: 202 }),
  { permission: "backup.manage" },
);
