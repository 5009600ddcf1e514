// GET /api/v1/jobs — recent background work from the app's own records, with counts by status (admins)
import { withApi } from "@/lib/api/with-api";
import { listJobs } from "@/lib/jobs/manage";
import { jobListQuerySchema } from "@/lib/jobs/schemas";

export const GET = withApi(
  async ({ req, ctx }) => listJobs(ctx, jobListQuerySchema.parse(Object.fromEntries(req.nextUrl.searchParams.entries()))),
  { permission: "jobs.manage" },
);
