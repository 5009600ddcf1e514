import { NonRetriableError } from "inngest";
import { alertEmailConfigured, sendAlertEmail } from "@/lib/alerts/email";
import { logger } from "@/lib/log";
import { inngest } from "./client";
import { alertOpened, alertResolved } from "./events";

/**
 * One email per alert transition to ALERT_EMAIL_TO (when SMTP_URL and ALERT_EMAIL_TO are set), on the same
 * events the alert.* webhooks fan out from. A failed send is retried with Inngest's backoff, then given up (logged).
 */
export const emailAlerts = inngest.createFunction(
  {
    id: "email-alerts",
    name: "Email alerts",
    retries: 4,
    triggers: [alertOpened, alertResolved],
    onFailure: async ({ event, error }) => {
      logger.error({ alertId: event.data.event.data?.id, err: error }, "alert email given up after its retries");
    },
  },
  async ({ event, step }) => {
    if (event.name === "inngest/function.invoked") throw new NonRetriableError("email-alerts runs on alert events only.");
    if (!alertEmailConfigured()) return { sent: false, reason: "not configured" };
    const transition = event.name === "alert/opened" ? "opened" : "resolved";
    const sent = await step.run("send-email", () => sendAlertEmail(transition, event.data));
    return { sent: sent !== null, transition, messageId: sent?.messageId ?? null };
  },
);
