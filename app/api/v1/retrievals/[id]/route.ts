// GET /api/v1/retrievals/{id} — one retrieval (the file's owner or an admin; anyone else's is a 404)
import { withApi } from "@/lib/api/with-api";
import { getRetrieval } from "@/lib/archive/retrievals";
import { retrievalIdSchema } from "@/lib/archive/schemas";

export const GET = withApi<{ id: string }>(async ({ ctx, params }) => getRetrieval(ctx, retrievalIdSchema.parse(params.id)), { permission: "files.read" });
