// POST /api/v1/files/bulk-download — the named files the caller may read, as one streamed ZIP
import { readJson, withApi } from "@/lib/api/with-api";
import { openBulkDownload } from "@/lib/files/bulk-download";
import { bulkDownloadSchema } from "@/lib/files/schemas";

export const POST = withApi(async ({ req, ctx }) => openBulkDownload(ctx, bulkDownloadSchema.parse(await readJson(req))), { permission: "files.read" });
