// POST /api/v1/jobs/{id}/retry — queue a job again and re-send its workflow event (admins)
import { withApi } from "@/lib/api/with-api";
import { retryJob } from "@/lib/jobs/manage";
import { jobIdSchema } from "@/lib/jobs/schemas";

export const POST = withApi<{ id: string }>(async ({ ctx, params }) => retryJob(ctx, jobIdSchema.parse(params.id)), { permission: "jobs.manage" });
