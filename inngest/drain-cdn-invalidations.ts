import { openInvalidationIds, planDueInvalidations, refreshInvalidation, requeueInvalidation, submitInvalidation } from "@/lib/cdn/drain";
import { inngest } from "./client";
import { cdnInvalidationRequested } from "./events";

/** Rounds of planning one run does (a run that keeps finding work leaves the rest to the next). */
const MAX_ROUNDS = 5;
/** TooManyInvalidationsInProgress: waits of 30 s, 60 s, 120 s, … 8 min; then the paths go back to the queue. */
const THROTTLE_BACKOFF_S = [30, 60, 120, 240, 480];
/** CloudFront finishes most invalidations within minutes: polled every 20 s, for up to an hour. */
const POLL_EVERY = "20s";
const MAX_POLLS = 180;

/**
 * Drains the CDN invalidation queue (D3): waits until a partial batch has gathered for
 * CDN_INVALIDATION_BATCH_SECONDS, plans requests of at most 1000 paths (collapsed to wildcards where the
 * provider takes them and that is cheaper), sends each (backing off on TooManyInvalidationsInProgress),
 * and polls until the provider reports them completed. One step at a time (concurrency 1), so runs
 * woken by many changes never race; every minute as well, so a lost wake-up only delays.
 */
export const drainCdnInvalidations = inngest.createFunction(
  {
    id: "drain-cdn-invalidations",
    name: "Send CDN invalidations",
    retries: 5,
    concurrency: { limit: 1 },
    triggers: [{ cron: "* * * * *" }, cdnInvalidationRequested],
  },
  async ({ step }) => {
    let sent = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const plan = await step.run(`plan-${round}`, () => planDueInvalidations());
      if (plan.waitSeconds !== null) {
        await step.sleep(`gather-${round}`, `${plan.waitSeconds}s`);
        continue;
      }
      const open = await step.run(`open-${round}`, () => openInvalidationIds());
      if (open.length === 0) break;
      for (const id of open) {
        let outcome = await step.run(`submit-${id}`, () => submitInvalidation(id));
        for (let attempt = 0; outcome === "throttled"; attempt++) {
          if (attempt >= THROTTLE_BACKOFF_S.length) {
            await step.run(`requeue-${id}`, () => requeueInvalidation(id));
            break;
          }
          await step.sleep(`backoff-${id}-${attempt}`, `${THROTTLE_BACKOFF_S[attempt]}s`);
          outcome = await step.run(`submit-${id}-${attempt + 1}`, () => submitInvalidation(id));
        }
        for (let poll = 0; outcome === "in_progress" && poll < MAX_POLLS; poll++) {
          await step.sleep(`wait-${id}-${poll}`, POLL_EVERY);
          outcome = await step.run(`poll-${id}-${poll}`, () => refreshInvalidation(id));
        }
        if (outcome === "completed" || outcome === "in_progress") sent += 1;
      }
      if (plan.ids.length === 0) break;
    }
    return { sent };
  },
);
