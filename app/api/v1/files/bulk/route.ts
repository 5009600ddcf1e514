// POST /api/v1/files/bulk — tag, untag, categorise, trash or restore many files; one result per id
import { readJson, withApi } from "@/lib/api/with-api";
import { runBulkAction } from "@/lib/files/bulk";
import { bulkActionSchema } from "@/lib/files/schemas";

// The permission depends on the action (files.write to edit, files.delete to trash or restore): the service checks it.
export const POST = withApi(async ({ req, ctx }) => runBulkAction(ctx, bulkActionSchema.parse(await readJson(req))));
