import "server-only";
import { and, desc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "@/db/schema";
import { notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { owningUserId, type ServiceContext } from "@/lib/auth/actor";
import type { CreateWebhookInput, ListDeliveriesQuery, UpdateWebhookInput } from "./schemas";
import { generateWebhookSecret } from "./sign";

// Endpoints are not owned by anyone: they receive events about every user's files, so every service
// here is reached only through the `webhooks.manage` permission.

/** Never includes the secret: it is shown once, by `createWebhookEndpoint`. */
export function toPublicWebhookEndpoint(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    active: e.active,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
export type PublicWebhookEndpoint = ReturnType<typeof toPublicWebhookEndpoint>;

export function toPublicWebhookDelivery(d: WebhookDelivery) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    event: d.event,
    payload: d.payload,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}
export type PublicWebhookDelivery = ReturnType<typeof toPublicWebhookDelivery>;

export async function listWebhookEndpoints(_ctx: ServiceContext) {
  const rows = await getDb().select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
  return { endpoints: rows.map(toPublicWebhookEndpoint) };
}

export async function createWebhookEndpoint(ctx: ServiceContext, input: CreateWebhookInput) {
  const secret = generateWebhookSecret();
  const endpoint = await getDb().transaction(async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        url: input.url,
        description: input.description || null,
        events: input.events,
        secret,
        createdBy: owningUserId(ctx.actor),
      })
      .returning();
    await recordAuditEvent({ ...ctx, tx }, { action: "webhook.create", details: { endpointId: row.id, url: row.url, events: row.events } });
    return row;
  });
  return { ...toPublicWebhookEndpoint(endpoint), secret };
}

export async function updateWebhookEndpoint(ctx: ServiceContext, endpointId: string, input: UpdateWebhookInput) {
  const endpoint = await getDb().transaction(async (tx) => {
    const [before] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).for("update");
    if (!before) throw notFound("Webhook");
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ active: input.active ?? before.active, events: input.events ?? before.events, updatedAt: new Date() })
      .where(eq(webhookEndpoints.id, endpointId))
      .returning();
    await recordAuditEvent({ ...ctx, tx }, {
      action: "webhook.update",
      details: { endpointId, url: row.url, from: { active: before.active, events: before.events }, to: { active: row.active, events: row.events } },
    });
    return row;
  });
  return toPublicWebhookEndpoint(endpoint);
}

/** Its deliveries go with it (cascade); the audit log keeps that it existed. */
export async function deleteWebhookEndpoint(ctx: ServiceContext, endpointId: string): Promise<void> {
  await getDb().transaction(async (tx) => {
    const [row] = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).returning();
    if (!row) throw notFound("Webhook");
    await recordAuditEvent({ ...ctx, tx }, { action: "webhook.delete", details: { endpointId, url: row.url, events: row.events } });
  });
}

/** Newest first. */
export async function listWebhookDeliveries(_ctx: ServiceContext, endpointId: string, query: ListDeliveriesQuery) {
  const db = getDb();
  const [endpoint] = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  if (!endpoint) throw notFound("Webhook");
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), query.status ? eq(webhookDeliveries.status, query.status) : undefined))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit);
  return { deliveries: rows.map(toPublicWebhookDelivery) };
}
