import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhookSignature } from "@/lib/webhooks/sign";
import { adminSignIn, anonymous, apiUpload, newUser } from "@/scripts/testing/client";
import { testSql, waitForStatus } from "@/scripts/testing/backends";
import { makePng } from "@/scripts/testing/fixtures";

// A real receiver on the loopback interface (the test stack allows private targets). Paths starting
// with /flaky answer 500 to the first two attempts of every delivery, then 200.
interface Received { path: string; headers: IncomingHttpHeaders; body: string; answered: number }
const received: Received[] = [];
let receiver: Server;
let receiverUrl: string;
const endpointIds: string[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      const deliveryId = req.headers["framevault-delivery"];
      const earlier = received.filter((r) => r.path === path && r.headers["framevault-delivery"] === deliveryId).length;
      const answered = path.startsWith("/flaky") && earlier < 2 ? 500 : 200;
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  // Left behind, these would get deliveries for every later test's uploads and retry against a closed port.
  const admin = await adminSignIn();
  for (const id of endpointIds) await admin.json(`/api/v1/webhooks/${id}`, { method: "DELETE" });
  await new Promise((resolve) => receiver.close(resolve));
});

async function createEndpoint(path: string, events: string[] = ["file.ready"]) {
  const admin = await adminSignIn();
  const res = await admin.json("/api/v1/webhooks", { method: "POST", body: { url: `${receiverUrl}${path}`, description: `test ${path}`, events } });
  expect(res.status).toBe(201);
  endpointIds.push(res.body.id);
  return res.body as { id: string; url: string; secret: string };
}

/** Requests the receiver got on `path` about `fileId`, once there are at least `count`. */
async function waitForRequests(path: string, fileId: string, count: number): Promise<Received[]> {
  const about = () => received.filter((r) => r.path === path && JSON.parse(r.body).data?.fileId === fileId);
  await waitForStatus(async () => String(about().length >= count), "true", 45_000);
  return about();
}

async function waitForDelivery(endpointId: string, deliveryId: string) {
  const admin = await adminSignIn();
  const find = async () => (await admin.json(`/api/v1/webhooks/${endpointId}/deliveries`)).body.deliveries.find((d: { id: string }) => d.id === deliveryId);
  await waitForStatus(async () => (await find())?.status ?? "missing", "succeeded", 20_000);
  return find();
}

describe("/api/v1/webhooks", () => {
  it("registers an endpoint, shows its secret only once, and audits it", async () => {
    const admin = await adminSignIn();
    const path = `/hook-${randomUUID()}`;
    const res = await admin.json("/api/v1/webhooks", { method: "POST", body: { url: `${receiverUrl}${path}`, description: "Dashboard", events: ["file.ready", "file.deleted", "file.ready"] } });
    expect(res.status).toBe(201);
    endpointIds.push(res.body.id);
    expect(res.body).toEqual({
      id: expect.any(String), url: `${receiverUrl}${path}`, description: "Dashboard", events: ["file.ready", "file.deleted"], active: true,
      createdBy: expect.any(String), createdAt: expect.any(String), updatedAt: expect.any(String), secret: expect.stringMatching(/^whsec_/),
    });
    const list = await admin.json("/api/v1/webhooks");
    expect(list.body.endpoints.find((e: { id: string }) => e.id === res.body.id)).toMatchObject({ url: `${receiverUrl}${path}`, active: true });
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
    expect(JSON.stringify(list.body)).not.toContain("secret");
    const [audit] = await testSql()`select actor_id, details from audit_events where action = 'webhook.create' and details->>'endpointId' = ${res.body.id}`;
    expect(audit.details).toMatchObject({ url: `${receiverUrl}${path}`, events: ["file.ready", "file.deleted"] });
    expect(JSON.stringify(audit.details)).not.toContain(res.body.secret);
  });

  it("refuses plain http off localhost, credentials in the URL, bad events and malformed JSON with 4xx envelopes", async () => {
    const admin = await adminSignIn();
    for (const body of [
      { url: "http://example.com/hook", events: ["file.ready"] },
      { url: "ftp://example.com/hook", events: ["file.ready"] },
      { url: "https://user:pw@example.com/hook", events: ["file.ready"] },
      { url: "https://example.com/hook", events: [] },
      { url: "https://example.com/hook", events: ["file.exploded"] },
      { url: "not a url", events: ["file.ready"] },
    ]) {
      const res = await admin.json("/api/v1/webhooks", { method: "POST", body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    }
    const malformed = await admin.json("/api/v1/webhooks", { method: "POST", body: "{", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("invalid_json");
    const https = await admin.json("/api/v1/webhooks", { method: "POST", body: { url: "https://example.com/hook", events: ["file.quarantined"] } });
    expect(https.status).toBe(201);
    endpointIds.push(https.body.id);
    expect((await admin.json(`/api/v1/webhooks/${https.body.id}`, { method: "PATCH", body: {} })).status).toBe(400);
  });

  it("refuses users without the permission and visitors without a session", async () => {
    const { id } = await createEndpoint(`/hook-${randomUUID()}`);
    const { session } = await newUser("user");
    const auditor = await newUser("auditor");
    for (const who of [session, auditor.session]) {
      expect((await who.json("/api/v1/webhooks")).status).toBe(403);
      expect((await who.json("/api/v1/webhooks", { method: "POST", body: { url: "https://example.com/x", events: ["file.ready"] } })).status).toBe(403);
      expect((await who.json(`/api/v1/webhooks/${id}`, { method: "PATCH", body: { active: false } })).status).toBe(403);
      expect((await who.json(`/api/v1/webhooks/${id}`, { method: "DELETE" })).status).toBe(403);
      expect((await who.json(`/api/v1/webhooks/${id}/deliveries`)).status).toBe(403);
    }
    expect((await anonymous.json("/api/v1/webhooks")).status).toBe(401);
    expect((await anonymous.json(`/api/v1/webhooks/${id}`, { method: "DELETE" })).status).toBe(401);
    expect((await anonymous.json(`/api/v1/webhooks/${id}/deliveries`)).status).toBe(401);
    const list = await (await adminSignIn()).json("/api/v1/webhooks");
    expect(list.body.endpoints.find((e: { id: string }) => e.id === id)).toMatchObject({ active: true });
  });

  it("pauses, resumes and deletes with audit events; unknown ids are 404", async () => {
    const admin = await adminSignIn();
    const { id } = await createEndpoint(`/hook-${randomUUID()}`, ["file.quarantined"]);
    const paused = await admin.json(`/api/v1/webhooks/${id}`, { method: "PATCH", body: { active: false, events: ["file.deleted", "file.quarantined"] } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id, active: false, events: ["file.deleted", "file.quarantined"] });
    expect((await admin.json(`/api/v1/webhooks/${id}`, { method: "PATCH", body: { active: true } })).body.active).toBe(true);
    const [update] = await testSql()`select details from audit_events where action = 'webhook.update' and details->>'endpointId' = ${id} order by id limit 1`;
    expect(update.details).toMatchObject({ from: { active: true, events: ["file.quarantined"] }, to: { active: false, events: ["file.deleted", "file.quarantined"] } });

    const deliveries = await admin.json(`/api/v1/webhooks/${id}/deliveries?status=failed&limit=5`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body).toEqual({ deliveries: expect.any(Array) });
    expect((await admin.json(`/api/v1/webhooks/${id}/deliveries?limit=1000`)).status).toBe(400);
    const removed = await admin.fetch(`/api/v1/webhooks/${id}`, { method: "DELETE" });
    expect(removed.status).toBe(204);
    const [deleted] = await testSql()`select action from audit_events where action = 'webhook.delete' and details->>'endpointId' = ${id}`;
    expect(deleted.action).toBe("webhook.delete");
    expect((await admin.json(`/api/v1/webhooks/${id}`, { method: "DELETE" })).status).toBe(404);
    expect((await admin.json(`/api/v1/webhooks/${id}`, { method: "PATCH", body: { active: true } })).status).toBe(404);
    expect((await admin.json(`/api/v1/webhooks/${id}/deliveries`)).status).toBe(404);
    expect((await admin.json("/api/v1/webhooks/not-a-uuid/deliveries")).body.error.code).toBe("validation_failed");
  });
});

describe("webhook deliveries", () => {
  it("posts file.ready to the receiver with a valid signature, and lists the delivery as succeeded", async () => {
    const path = `/ok-${randomUUID()}`;
    const endpoint = await createEndpoint(path);
    const paused = await createEndpoint(`/paused-${randomUUID()}`);
    const admin = await adminSignIn();
    await admin.json(`/api/v1/webhooks/${paused.id}`, { method: "PATCH", body: { active: false } });
    const owner = await newUser("user");
    const upload = await apiUpload(owner.session, { name: "door.png", type: "image/png", bytes: await makePng() });
    expect(upload.status).toBe(201);
    const fileId = upload.body.fileId as string;

    const [request] = await waitForRequests(path, fileId, 1);
    expect(request, "the receiver got file.ready").toBeDefined();
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["framevault-event"]).toBe("file.ready");
    const deliveryId = request.headers["framevault-delivery"] as string;
    expect(JSON.parse(request.body)).toEqual({ id: deliveryId, event: "file.ready", createdAt: expect.any(String), data: { fileId, ownerId: owner.id } });
    const signature = request.headers["framevault-signature"] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(endpoint.secret, signature, request.body, 300)).toBe(true);
    expect(verifyWebhookSignature(`${endpoint.secret}x`, signature, request.body, 300)).toBe(false);

    expect(await waitForDelivery(endpoint.id, deliveryId)).toMatchObject({
      id: deliveryId, endpointId: endpoint.id, event: "file.ready", payload: { fileId, ownerId: owner.id },
      status: "succeeded", attempts: 1, lastStatusCode: 200, lastError: null, deliveredAt: expect.any(String), lastAttemptAt: expect.any(String),
    });
    // Every delivery of this event was enqueued in one step before any was sent, so none can still appear.
    const forPaused = await testSql()`select id from webhook_deliveries where endpoint_id = ${paused.id} and payload->>'fileId' = ${fileId}`;
    expect(forPaused).toHaveLength(0);
  });

  it("posts file.deleted when a file is moved to the trash", async () => {
    const path = `/deleted-${randomUUID()}`;
    const endpoint = await createEndpoint(path, ["file.deleted"]);
    const owner = await newUser("user");
    const upload = await apiUpload(owner.session, { name: "lobby.png", type: "image/png", bytes: await makePng() });
    const fileId = upload.body.fileId as string;
    expect((await owner.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" })).status).toBe(200);

    const [request] = await waitForRequests(path, fileId, 1);
    expect(request, "the receiver got file.deleted").toBeDefined();
    expect(request.headers["framevault-event"]).toBe("file.deleted");
    expect(JSON.parse(request.body)).toMatchObject({ event: "file.deleted", data: { fileId, ownerId: owner.id } });
    expect(verifyWebhookSignature(endpoint.secret, request.headers["framevault-signature"] as string, request.body, 300)).toBe(true);
    // Subscribed to file.deleted only: the file becoming ready was not sent here.
    expect(received.filter((r) => r.path === path && JSON.parse(r.body).event !== "file.deleted")).toHaveLength(0);
  });

  it("retries a failing receiver with backoff and succeeds on the third attempt", { timeout: 90_000 }, async () => {
    const path = `/flaky-${randomUUID()}`;
    const endpoint = await createEndpoint(path);
    const owner = await newUser("user");
    const upload = await apiUpload(owner.session, { name: "gate.png", type: "image/png", bytes: await makePng() });
    expect(upload.status).toBe(201);
    const fileId = upload.body.fileId as string;

    const attempts = await waitForRequests(path, fileId, 3);
    expect(attempts.map((a) => a.answered)).toEqual([500, 500, 200]);
    const deliveryId = attempts[0].headers["framevault-delivery"] as string;
    for (const a of attempts) {
      // The same delivery id on every attempt, each freshly signed over the same body.
      expect(a.headers["framevault-delivery"]).toBe(deliveryId);
      expect(a.body).toBe(attempts[0].body);
      expect(verifyWebhookSignature(endpoint.secret, a.headers["framevault-signature"] as string, a.body, 300)).toBe(true);
    }
    expect(await waitForDelivery(endpoint.id, deliveryId)).toMatchObject({
      status: "succeeded", attempts: 3, lastStatusCode: 200, lastError: null, deliveredAt: expect.any(String),
    });
    const [row] = await testSql()`select attempts, status, created_at, last_attempt_at, delivered_at from webhook_deliveries where id = ${deliveryId}`;
    expect(row).toMatchObject({ attempts: 3, status: "succeeded" });
    // Backoff: the three attempts were spread out, not fired back to back.
    expect(new Date(row.last_attempt_at).getTime() - new Date(row.created_at).getTime()).toBeGreaterThan(1_000);
  });
});
