import { eventType } from "inngest";
import { z } from "zod";
import { attemptDelivery } from "@/lib/webhooks/deliver";
import { env } from "@/lib/env";
import { inngest } from "./client";

export const webhookDeliveryRequested = eventType("webhook/delivery.requested", {
  schema: z.object({ deliveryId: z.uuid() }),
});

const RETRIES = 5;

/**
 * One webhook delivery: a signed POST, retried with Inngest's exponential backoff until the
 * endpoint answers 2xx or the attempts run out. The delivery row records every attempt.
 */
export const deliverWebhook = inngest.createFunction(
  { id: "deliver-webhook", name: "Deliver webhook", retries: RETRIES, triggers: [webhookDeliveryRequested] },
  async ({ event, step, attempt, maxAttempts }) =>
    step.run("post-to-endpoint", () =>
      attemptDelivery(event.data.deliveryId, {
        allowPrivateTargets: env().WEBHOOK_ALLOW_PRIVATE_TARGETS,
        finalAttempt: attempt + 1 >= (maxAttempts ?? RETRIES + 1),
      }),
    ),
);
