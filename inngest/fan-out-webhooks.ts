import { NonRetriableError } from "inngest";
import { enqueueWebhookDeliveries } from "@/lib/webhooks/deliver";
import type { WebhookEvent } from "@/lib/webhooks/schemas";
import { inngest } from "./client";
import { webhookDeliveryRequested } from "./deliver-webhook";
import { alertOpened, alertResolved, fileDeleted, fileQuarantined, fileReady } from "./events";

const WEBHOOK_EVENT_OF = {
  "file/ready": "file.ready",
  "file/deleted": "file.deleted",
  "file/quarantined": "file.quarantined",
  "alert/opened": "alert.opened",
  "alert/resolved": "alert.resolved",
} as const satisfies Record<string, WebhookEvent>;

/**
 * The backup alerts (lib/alerts/rules/backup.ts) are also their own webhook events (issue 10): an endpoint can
 * subscribe to `backup.failed` without every other alert. Sent when the alert opens, with the alert's details
 * (setId, type, reason…) and its id.
 */
const BACKUP_WEBHOOK_OF_RULE: Record<string, WebhookEvent> = {
  "backup-failure": "backup.failed",
  "backup-timeout": "backup.timeout",
  "backup-size-anomaly": "backup.size_anomaly",
};

/**
 * Turns a domain event into one delivery per subscribed endpoint, each retried on its own run so a
 * slow or failing endpoint never holds up the others.
 */
export const fanOutWebhooks = inngest.createFunction(
  { id: "fan-out-webhooks", name: "Fan out webhooks", retries: 4, triggers: [fileReady, fileDeleted, fileQuarantined, alertOpened, alertResolved] },
  async ({ event, step }) => {
    // Reached only through step.invoke, which nothing does: there is no domain event to report.
    if (event.name === "inngest/function.invoked") throw new NonRetriableError("fan-out-webhooks runs on domain events only.");
    const webhookEvent = WEBHOOK_EVENT_OF[event.name];
    // Only the fields receivers are promised, whatever else the domain event grows to carry: the file's ids,
    // or the alert as GET /api/v1/alerts shows it.
    const payload = event.name === "alert/opened" || event.name === "alert/resolved"
      ? { ...event.data }
      : { fileId: event.data.fileId, ownerId: event.data.ownerId };
    const deliveryIds = await step.run("enqueue-deliveries", () => enqueueWebhookDeliveries(webhookEvent, payload, event.id));
    const alert = event.name === "alert/opened" ? event.data : null;
    const backupEvent = alert ? BACKUP_WEBHOOK_OF_RULE[alert.rule] : undefined;
    if (alert && backupEvent) {
      const backupPayload = { ...alert.details, alertId: alert.id, title: alert.title, severity: alert.severity, at: alert.openedAt };
      deliveryIds.push(...(await step.run("enqueue-backup-deliveries", () => enqueueWebhookDeliveries(backupEvent, backupPayload, `${event.id}:${backupEvent}`))));
    }
    if (deliveryIds.length > 0) {
      await step.sendEvent("request-deliveries", deliveryIds.map((deliveryId) => webhookDeliveryRequested.create({ deliveryId })));
    }
    return { event: webhookEvent, deliveries: deliveryIds.length };
  },
);
