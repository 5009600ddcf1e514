import { resendStalledJobs } from "@/lib/jobs/manage";
import { inngest } from "./client";

/**
 * Durability does not rest on the engine: every minute, work that the app's own records show as
 * queued or running without progress past the bound is sent again.
 */
export const resendStalledProcessing = inngest.createFunction(
  { id: "resend-stalled-processing", name: "Re-send stalled processing", retries: 0, triggers: [{ cron: "* * * * *" }] },
  async ({ step }) => step.run("resend-stalled-jobs", () => resendStalledJobs()),
);
