// GET /api/v1/retrievals — the caller's retrievals (admins: everyone's), newest first, with status pending|ready|expired|failed
import { withApi } from "@/lib/api/with-api";
import { listRetrievals } from "@/lib/archive/retrievals";
import { listRetrievalsQuerySchema } from "@/lib/archive/schemas";

export const GET = withApi(
  async ({ req, ctx }) => listRetrievals(ctx, listRetrievalsQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "files.read" },
);
