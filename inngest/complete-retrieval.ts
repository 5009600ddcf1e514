import { completeRetrieval, expireRetrieval, scaledMs, startRetrieval } from "@/lib/archive/retrievals";
import { inngest } from "./client";
import { retrievalRequested } from "./events";

/** How often AWS's restore is checked once its estimate has passed (15 minutes, scaled). */
const POLL_MS = 15 * 60_000;
const MAX_POLLS = 400;

/**
 * A retrieval from request to return: start it (AWS RestoreObject), sleep until the tier's scaled
 * estimate, make the content available and open the window (polling AWS while it still restores), sleep
 * out the window, then archive the content again. The sleeps live in the engine; `sweep-retrievals`
 * finishes anything overdue should an engine restart lose them.
 */
export const completeRetrievalFn = inngest.createFunction(
  { id: "complete-retrieval", name: "Complete an archive retrieval", retries: 5, triggers: [retrievalRequested] },
  async ({ event, step }) => {
    const { retrievalId } = event.data;
    const started = await step.run("start-retrieval", () => startRetrieval(retrievalId));
    if (!started.estimatedReadyAt) return { retrievalId, skipped: true };
    await step.sleepUntil("wait-for-tier", started.estimatedReadyAt);
    let ready = await step.run("make-available", () => completeRetrieval(retrievalId));
    for (let poll = 0; !ready.ready && poll < MAX_POLLS; poll++) {
      await step.sleep(`wait-for-restore-${poll}`, scaledMs(POLL_MS));
      ready = await step.run(`make-available-${poll}`, () => completeRetrieval(retrievalId));
    }
    if (!ready.expiresAt) return { retrievalId, ready: false };
    await step.sleepUntil("wait-for-window", ready.expiresAt);
    const expired = await step.run("return-to-archive", () => expireRetrieval(retrievalId));
    return { retrievalId, ...expired };
  },
);
