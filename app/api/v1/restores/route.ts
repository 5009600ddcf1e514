// GET /api/v1/restores — recent restore jobs and dry runs, newest first (admins)
import { withApi } from "@/lib/api/with-api";
import { listRestores } from "@/lib/backup/restore/jobs";
import { listRestoresQuerySchema } from "@/lib/backup/restore/schemas";

export const GET = withApi(async ({ req, ctx }) => listRestores(ctx, listRestoresQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams))), { permission: "backup.manage" });
