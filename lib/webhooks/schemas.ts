import { z } from "zod";

/** The events a webhook endpoint can subscribe to. Shared by the API, the fan-out and the admin UI. */
export const WEBHOOK_EVENTS = [
  "file.ready", "file.deleted", "file.quarantined", "alert.opened", "alert.resolved", "backup.failed", "backup.timeout", "backup.size_anomaly",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

// Plain HTTP would show every payload and signature to anyone on the path; on the loopback interface
// the traffic never leaves the machine, which local receivers (development, tests) need.
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Null for text that is not a URL: zod runs the refinements below even after its own URL check failed. */
function parseUrl(text: string): URL | null {
  return URL.canParse(text) ? new URL(text) : null;
}

export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: "URL must be an http(s) URL." })
  .max(2048)
  .refine((u) => {
    const url = parseUrl(u);
    return !url || url.protocol !== "http:" || LOOPBACK_HOSTS.has(url.hostname);
  }, "URL must use https (plain http only for localhost or 127.0.0.1).")
  // Credentials in the URL would be shown to every admin and in logs; receivers check the signature instead.
  .refine((u) => {
    const url = parseUrl(u);
    return !url || (url.username === "" && url.password === "");
  }, "URL must not contain a user name or password.");

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, "Choose at least one event.")
  .transform((events) => [...new Set(events)]);

export const createWebhookSchema = z.object({
  url: webhookUrlSchema,
  description: z.string().trim().max(500).optional(),
  events: eventsSchema,
});
export type CreateWebhookInput = z.output<typeof createWebhookSchema>;

export const updateWebhookSchema = z
  .object({ active: z.boolean().optional(), events: eventsSchema.optional() })
  .refine((v) => v.active !== undefined || v.events !== undefined, "Nothing to update.");
export type UpdateWebhookInput = z.output<typeof updateWebhookSchema>;

export const webhookIdSchema = z.uuid({ error: "Webhook id must be a UUID." });

export const listDeliveriesQuerySchema = z.object({
  status: z.enum(["pending", "succeeded", "failed"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListDeliveriesQuery = z.output<typeof listDeliveriesQuerySchema>;
