import "server-only";
import { lookup as dnsLookup } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import { getDb } from "@/db/client";
import { webhookDeliveries, webhookEndpoints, type WebhookDeliveryStatus } from "@/db/schema";
import type { WebhookEvent } from "./schemas";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signWebhookBody } from "./sign";

const TIMEOUT_MS = 10_000;

/**
 * One pending delivery per active endpoint subscribed to `event`. Keyed by the workflow event that
 * caused it, so a re-run of the calling step returns the same ids instead of delivering twice.
 */
export async function enqueueWebhookDeliveries(event: WebhookEvent, payload: Record<string, unknown>, sourceEventId: string): Promise<string[]> {
  const db = getDb();
  // One statement, so an endpoint deleted meanwhile is simply not chosen (a separate select then insert
  // failed the whole fan-out on the foreign key).
  await db.execute(sql`
    insert into ${webhookDeliveries} (endpoint_id, event, payload, source_event_id)
    select ${webhookEndpoints.id}, ${event}, ${JSON.stringify(payload)}::jsonb, ${sourceEventId}
    from ${webhookEndpoints}
    where ${webhookEndpoints.active} and ${webhookEndpoints.events} @> array[${event}]::text[]
    on conflict do nothing`);
  const rows = await db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.sourceEventId, sourceEventId));
  return rows.map((r) => r.id);
}

export interface AttemptOptions {
  /** Lets deliveries reach loopback and private networks (local receivers, tests); off in production. */
  allowPrivateTargets: boolean;
  /** No retry follows a failure of this attempt, so it settles the delivery as failed. */
  finalAttempt: boolean;
}

/**
 * Makes one signed POST of a pending delivery and records it. Throws when it failed so the workflow
 * retries with backoff; a refused target is not retried. A crash between the POST and the update
 * can send a delivery twice, which is why receivers get the stable `Framevault-Delivery` id.
 */
export async function attemptDelivery(deliveryId: string, opts: AttemptOptions): Promise<{ status: WebhookDeliveryStatus | "gone"; statusCode?: number }> {
  const db = getDb();
  const [row] = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookDeliveries.endpointId, webhookEndpoints.id))
    .where(eq(webhookDeliveries.id, deliveryId));
  // Deleted with its endpoint, or settled by an earlier run of this step: nothing left to send.
  if (!row || row.delivery.status !== "pending") return { status: row?.delivery.status ?? "gone" };
  const { delivery, endpoint } = row;
  if (!endpoint.active) {
    await recordAttempt(deliveryId, { status: "failed", statusCode: null, error: "The endpoint was disabled before this delivery was sent.", counts: false });
    return { status: "failed" };
  }

  const body = JSON.stringify({ id: delivery.id, event: delivery.event, createdAt: delivery.createdAt.toISOString(), data: delivery.payload });
  const headers = {
    "content-type": "application/json",
    "user-agent": "Framevault-Webhooks/1",
    [EVENT_HEADER]: delivery.event,
    [DELIVERY_HEADER]: delivery.id,
    [SIGNATURE_HEADER]: signWebhookBody(endpoint.secret, body),
  };
  let statusCode: number | null = null;
  let error: string | null = null;
  let retriable = true;
  try {
    statusCode = await postOnce(new URL(endpoint.url), headers, body, opts.allowPrivateTargets);
    if (statusCode < 200 || statusCode > 299) error = `The endpoint answered HTTP ${statusCode}.`;
  } catch (err) {
    retriable = !(err instanceof RefusedTargetError);
    error = describeError(err);
  }

  const status = error === null ? "succeeded" : !retriable || opts.finalAttempt ? "failed" : "pending";
  await recordAttempt(deliveryId, { status, statusCode, error, counts: true });
  if (error === null) return { status, statusCode: statusCode ?? undefined };
  if (!retriable) throw new NonRetriableError(error);
  throw new Error(`Webhook delivery ${deliveryId} failed: ${error}`);
}

async function recordAttempt(
  deliveryId: string,
  a: { status: WebhookDeliveryStatus; statusCode: number | null; error: string | null; counts: boolean },
): Promise<void> {
  const now = new Date();
  await getDb()
    .update(webhookDeliveries)
    .set({
      status: a.status,
      ...(a.counts ? { attempts: sql`${webhookDeliveries.attempts} + 1`, lastStatusCode: a.statusCode, lastAttemptAt: now } : {}),
      lastError: a.error?.slice(0, 500) ?? null,
      deliveredAt: a.status === "succeeded" ? now : null,
    })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "pending")));
}

function describeError(err: unknown): string {
  if (err instanceof Error && err.name === "AbortError") return `No answer within ${TIMEOUT_MS / 1000} s.`;
  const code = (err as NodeJS.ErrnoException)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The status code of one POST. Redirects are not followed: a 3xx is a failure, and cannot bounce the request inward. */
function postOnce(url: URL, headers: Record<string, string>, body: string, allowPrivateTargets: boolean): Promise<number> {
  if (!allowPrivateTargets) {
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    // An IP literal skips the lookup below, so it is checked here.
    if (isIP(literal) && isPrivateAddress(literal)) return Promise.reject(new RefusedTargetError(literal));
  }
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
        lookup: allowPrivateTargets ? undefined : publicOnlyLookup,
        agent: false,
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        // Only the status matters; the body is never read, so a receiver cannot make us hold it.
        res.destroy();
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

class RefusedTargetError extends Error {
  constructor(address: string) {
    super(`The endpoint resolves to ${address}, a private or loopback address; deliveries there are not allowed.`);
    this.name = "RefusedTargetError";
  }
}

// Addresses a webhook must not reach: loopback, private networks, link-local (cloud metadata services
// live at 169.254.169.254), carrier-grade NAT, multicast and reserved ranges. IPv4-mapped IPv6
// addresses are matched against the IPv4 ranges by BlockList itself.
const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 3],
] as const) PRIVATE_RANGES.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [["::", 127], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["64:ff9b:1::", 48]] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, "ipv6");
}

function isPrivateAddress(address: string): boolean {
  return PRIVATE_RANGES.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/**
 * Resolves the host and refuses private answers at connect time, on the very addresses the socket
 * then uses: checking the URL beforehand would let DNS answer differently a moment later (rebinding).
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "");
    const refused = addresses.find((a) => isPrivateAddress(a.address));
    if (refused) return callback(new RefusedTargetError(refused.address), "");
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};
