// GET /api/v1/cdn/invalidations — recent CDN invalidations with the month's path count and cost (admins)
import { withApi } from "@/lib/api/with-api";
import { listCdnInvalidations } from "@/lib/cdn/list";
import { cdnInvalidationListQuerySchema } from "@/lib/cdn/schemas";

export const GET = withApi(
  async ({ req, ctx }) => listCdnInvalidations(ctx, cdnInvalidationListQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "jobs.manage" },
);
