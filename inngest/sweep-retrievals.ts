import { sweepRetrievals } from "@/lib/archive/retrievals";
import { inngest } from "./client";

/** Every five minutes: retrievals whose wait or window is over but whose workflow lost its sleep (an engine restart). */
export const sweepRetrievalsFn = inngest.createFunction(
  { id: "sweep-retrievals", name: "Finish overdue archive retrievals", retries: 2, triggers: [{ cron: "*/5 * * * *" }] },
  async ({ step }) => step.run("finish-overdue-retrievals", () => sweepRetrievals()),
);
