import { evaluateAlertRules } from "@/lib/alerts/evaluate";
import { inngest } from "./client";
import { alertOpened, alertResolved, alertsEvaluationRequested } from "./events";

/**
 * Every minute (and on `alerts/evaluation.requested`): runs the alert rules, opens and resolves alerts, and
 * announces each transition, which the webhook fan-out sends on as `alert.opened` / `alert.resolved`. One
 * evaluation at a time; a second one finding nothing new is harmless either way (the table deduplicates).
 */
export const evaluateAlerts = inngest.createFunction(
  {
    id: "evaluate-alerts",
    name: "Evaluate alert rules",
    retries: 1,
    concurrency: { limit: 1 },
    triggers: [{ cron: "* * * * *" }, alertsEvaluationRequested],
  },
  async ({ step }) => {
    const result = await step.run("evaluate-rules", () => evaluateAlertRules());
    const events = [
      // The event id makes a re-sent announcement of the same transition a duplicate the engine drops.
      ...result.opened.map((a) => alertOpened.create(a, { id: `alert-opened-${a.id}` })),
      ...result.resolved.map((a) => alertResolved.create(a, { id: `alert-resolved-${a.id}` })),
    ];
    if (events.length > 0) await step.sendEvent("announce-transitions", events);
    return { opened: result.opened.length, resolved: result.resolved.length, failedRules: result.failedRules };
  },
);
