import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as r from "@/lib/openapi/responses";
import { verifyWebhookSignature } from "@/lib/webhooks/sign";
import { testSql, waitForStatus } from "@/scripts/testing/backends";
import { adminSignIn, anonymous, apiUpload, newUser, type Session } from "@/scripts/testing/client";
import { makePng } from "@/scripts/testing/fixtures";

// Alerts end to end: processing made to fail (FRAMEVAULT_FAULTS fails the virus scan of fault-always-* files
// on every attempt), the rules run through POST /api/v1/alerts/evaluate (the workflow event, as the minute's
// cron would), and the alert.* webhooks received by a real HTTP receiver on the loopback interface.
// scripts/test.ts sets ALERT_PROCESSING_FAILURES_THRESHOLD=2 (the default window, 60 minutes).

interface Received { headers: IncomingHttpHeaders; body: string }
const received: Received[] = [];
let receiver: Server;

// Alert emails: scripts/test.ts points the app's SMTP_URL at this port and sets ALERT_EMAIL_TO=ops@example.test.
interface Mail { rcptTo: string[]; subject: string; to: string; raw: string }
const mails: Mail[] = [];
let smtp: SMTPServer;

/** A header of a raw message, unfolded, with RFC 2047 encoded words decoded. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n(?=[ \t])/g, "");
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)) ?? "";
  return line.slice(name.length + 1).trim().replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toLowerCase() === "b" ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"));
}
let endpoint: { id: string; secret: string };
let admin: Session;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        mails.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), subject: header(raw, "Subject"), to: header(raw, "To"), raw });
        callback();
      });
    },
  });
  const smtpPort = Number(process.env.FRAMEVAULT_TEST_SMTP_PORT);
  expect(smtpPort, "scripts/test.ts sets FRAMEVAULT_TEST_SMTP_PORT").toBeGreaterThan(0);
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(smtpPort, "127.0.0.1", () => resolve());
  });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  admin = await adminSignIn();
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts-${randomUUID()}`;
  const created = await admin.json("/api/v1/webhooks", { method: "POST", body: { url, description: "alerts test", events: ["alert.opened", "alert.resolved"] } });
  expect(created.status).toBe(201);
  endpoint = created.body;
});

afterAll(async () => {
  if (endpoint) await admin.fetch(`/api/v1/webhooks/${endpoint.id}`, { method: "DELETE" });
  await new Promise((resolve) => receiver.close(resolve));
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** Alert emails of `transition` about the alert opened at `openedAt`, once there are at least `count`. */
async function emailsFor(transition: "opened" | "resolved", openedAt: string, count = 1): Promise<Mail[]> {
  const about = () => mails.filter((m) => m.subject.startsWith(`[Framevault] alert ${transition}: `) && m.raw.includes(`Opened: ${openedAt}`));
  await waitForStatus(async () => String(about().length >= count), "true", 45_000);
  return about();
}

async function evaluateNow() {
  const res = await admin.json("/api/v1/alerts/evaluate", { method: "POST" });
  expect(res.status).toBe(202);
  expect(() => r.requested.parse(res.body)).not.toThrow();
}

async function unresolved(rule: string) {
  const res = await admin.json("/api/v1/alerts?status=active&limit=200");
  expect(res.status).toBe(200);
  return (res.body.alerts as { id: string; rule: string }[]).filter((a) => a.rule === rule);
}

async function alertById(id: string) {
  const res = await admin.json("/api/v1/alerts?status=all&limit=200");
  expect(() => r.alertList.parse(res.body)).not.toThrow();
  return (res.body.alerts as { id: string; status: string; lastSeenAt: string }[]).find((a) => a.id === id);
}

/** Webhook requests about alert `alertId` of `event`, once there are at least `count`. */
async function webhooksFor(alertId: string, event: string, count = 1): Promise<Received[]> {
  const about = () => received.filter((x) => x.headers["framevault-event"] === event && JSON.parse(x.body).data?.id === alertId);
  await waitForStatus(async () => String(about().length >= count), "true", 45_000);
  return about();
}

describe("alerts", () => {
  it("are for admins only", async () => {
    const user = await newUser("user");
    const auditor = await newUser("auditor");
    const id = randomUUID();
    for (const who of [user.session, auditor.session]) {
      expect((await who.json("/api/v1/alerts")).status).toBe(403);
      expect((await who.json("/api/v1/alerts/evaluate", { method: "POST" })).status).toBe(403);
      expect((await who.json(`/api/v1/alerts/${id}/acknowledge`, { method: "POST" })).status).toBe(403);
      expect((await who.json("/api/v1/admin/overview")).status).toBe(403);
    }
    expect((await anonymous.json("/api/v1/alerts")).status).toBe(401);
    expect((await anonymous.json(`/api/v1/alerts/${id}/acknowledge`, { method: "POST" })).status).toBe(401);
    expect((await admin.json(`/api/v1/alerts/${id}/acknowledge`, { method: "POST" })).status).toBe(404);
    expect((await admin.json("/api/v1/alerts/not-a-uuid/acknowledge", { method: "POST" })).body.error.code).toBe("validation_failed");
    expect((await admin.json("/api/v1/alerts?status=exploded")).status).toBe(400);
  });

  it("opens one alert for failing processing, sends one signed alert.opened, and resolves it with alert.resolved once the failures are dealt with", async () => {
    // Failures of earlier tests' files would count too: an admin deals with them by trashing the files.
    const leftovers = await testSql()`
      select distinct j.file_id from processing_jobs j join files f on f.id = j.file_id where j.status = 'failed' and f.deleted_at is null`;
    for (const { file_id } of leftovers) expect((await admin.json(`/api/v1/files/${file_id}`, { method: "DELETE" })).status).toBe(200);
    await evaluateNow();
    expect(await waitForStatus(async () => String((await unresolved("processing-failures")).length), "0", 30_000)).toBe("0");

    // Two uploads whose processing fails: the threshold.
    const owner = await newUser();
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const up = await apiUpload(owner.session, { name: `fault-always-alert-${n}.png`, type: "image/png", bytes: await makePng(20 + n, 20) });
      expect(up.status).toBe(201);
      ids.push(up.body.fileId);
    }
    for (const id of ids) {
      const status = await waitForStatus(async () => (await testSql()`select status from processing_jobs where file_id = ${id}`)[0]?.status ?? "none", "failed", 150_000);
      expect(status).toBe("failed");
    }

    await evaluateNow();
    expect(await waitForStatus(async () => String((await unresolved("processing-failures")).length), "1", 30_000)).toBe("1");
    const [alert] = (await admin.json("/api/v1/alerts")).body.alerts.filter((a: { rule: string }) => a.rule === "processing-failures");
    expect(alert).toMatchObject({ rule: "processing-failures", key: "all", severity: "warning", status: "open", resolvedAt: null });
    expect(alert.details.failed).toBeGreaterThanOrEqual(2);
    expect(alert.details).toMatchObject({ threshold: 2, windowMinutes: 60, byStep: { "virus-scan": expect.any(Number) } });

    // Evaluated again while the condition holds: the same alert, seen again, not a second one.
    await evaluateNow();
    await waitForStatus(async () => String((await alertById(alert.id))!.lastSeenAt > alert.lastSeenAt), "true", 30_000);
    const still = await unresolved("processing-failures");
    expect(still.map((a) => a.id)).toEqual([alert.id]);

    const [opened] = await webhooksFor(alert.id, "alert.opened");
    expect(opened, "the receiver got alert.opened").toBeDefined();
    const signature = opened.headers["framevault-signature"] as string;
    expect(verifyWebhookSignature(endpoint.secret, signature, opened.body, 300)).toBe(true);
    expect(verifyWebhookSignature(`${endpoint.secret}x`, signature, opened.body, 300)).toBe(false);
    expect(JSON.parse(opened.body)).toMatchObject({
      id: opened.headers["framevault-delivery"], event: "alert.opened",
      data: { id: alert.id, rule: "processing-failures", key: "all", severity: "warning", status: "open", title: alert.title },
    });

    // And one email to ALERT_EMAIL_TO, naming the alert.
    const [openedMail] = await emailsFor("opened", alert.openedAt);
    expect(openedMail, "the SMTP receiver got the alert-opened email").toBeDefined();
    expect(openedMail.subject).toBe(`[Framevault] alert opened: ${alert.title}`);
    expect(openedMail.rcptTo).toEqual(["ops@example.test"]);
    expect(openedMail.to).toBe("ops@example.test");
    expect(openedMail.raw).toContain("Rule: processing-failures");
    expect(openedMail.raw).toContain("Severity: warning");

    // Acknowledged: audited, idempotent, and the alert still resolves by itself.
    const acked = await admin.json(`/api/v1/alerts/${alert.id}/acknowledge`, { method: "POST" });
    expect(acked.status).toBe(200);
    expect(() => r.alert.parse(acked.body)).not.toThrow();
    expect(acked.body).toMatchObject({ id: alert.id, status: "acknowledged", acknowledgedAt: expect.any(String), acknowledgedBy: expect.any(String) });
    const again = await admin.json(`/api/v1/alerts/${alert.id}/acknowledge`, { method: "POST" });
    expect(again.body.acknowledgedAt).toBe(acked.body.acknowledgedAt);
    expect(await testSql()`select 1 from audit_events where action = 'alert.acknowledge' and details->>'alertId' = ${alert.id}`).toHaveLength(1);

    // The owner deletes the failed files: the condition clears.
    for (const id of ids) expect((await owner.session.json(`/api/v1/files/${id}`, { method: "DELETE" })).status).toBe(200);
    await evaluateNow();
    expect(await waitForStatus(async () => (await alertById(alert.id))!.status, "resolved", 30_000)).toBe("resolved");
    const [resolved] = await webhooksFor(alert.id, "alert.resolved");
    expect(verifyWebhookSignature(endpoint.secret, resolved.headers["framevault-signature"] as string, resolved.body, 300)).toBe(true);
    expect(JSON.parse(resolved.body)).toMatchObject({ event: "alert.resolved", data: { id: alert.id, status: "resolved", resolvedAt: expect.any(String) } });

    const [resolvedMail] = await emailsFor("resolved", alert.openedAt);
    expect(resolvedMail, "the SMTP receiver got the alert-resolved email").toBeDefined();
    expect(resolvedMail.subject).toMatch(/^\[Framevault\] alert resolved: \d+ processing jobs failed/);
    expect(resolvedMail.rcptTo).toEqual(["ops@example.test"]);
    expect(resolvedMail.raw).toMatch(/Resolved: \d{4}-\d\d-\d\dT/);

    // Exactly one of each, delivered and recorded.
    expect(await webhooksFor(alert.id, "alert.opened")).toHaveLength(1);
    expect(await emailsFor("opened", alert.openedAt)).toHaveLength(1);
    expect(await emailsFor("resolved", alert.openedAt)).toHaveLength(1);
    const deliveries = await testSql()`
      select event, count(*)::int as n from webhook_deliveries where endpoint_id = ${endpoint.id} and payload->>'id' = ${alert.id} group by event order by event`;
    expect(deliveries).toEqual([{ event: "alert.opened", n: 1 }, { event: "alert.resolved", n: 1 }]);
  }, 300_000);
});

describe("archive alerts", () => {
  it("an archive run going past ALERT_ARCHIVE_TIMEOUT_MINUTES opens archive-timeout; once it has failed, archive-failure replaces it until a run finishes clean", async () => {
    const trigger = `alerts-test-${randomUUID()}`;
    const [stuck] = await testSql()`
      insert into lifecycle_runs (kind, status, trigger, created_at, started_at)
      values ('archive', 'running', ${trigger}, now() - interval '3 hours', now() - interval '3 hours') returning id`;
    try {
      await evaluateNow();
      expect(await waitForStatus(async () => String((await unresolved("archive-timeout")).some((a) => (a as unknown as { key: string }).key === stuck.id)), "true", 30_000)).toBe("true");

      await testSql()`update lifecycle_runs set status = 'failed', error = 'storage unreachable (test)', finished_at = now() where id = ${stuck.id}`;
      await evaluateNow();
      expect(await waitForStatus(async () => String((await unresolved("archive-failure")).length), "1", 30_000)).toBe("1");
      const [failure] = await unresolved("archive-failure");
      expect((failure as unknown as { title: string }).title).toContain("storage unreachable (test)");
      expect((await unresolved("archive-timeout")).filter((a) => (a as unknown as { key: string }).key === stuck.id)).toHaveLength(0);

      await testSql()`
        insert into lifecycle_runs (kind, status, trigger, counts, created_at, started_at, finished_at)
        values ('archive', 'succeeded', ${trigger}, '{"failed":0}'::jsonb, now(), now(), now() + interval '1 second')`;
      await evaluateNow();
      expect(await waitForStatus(async () => (await alertById(failure.id))!.status, "resolved", 30_000)).toBe("resolved");
    } finally {
      await testSql()`delete from lifecycle_runs where trigger = ${trigger}`;
    }
  }, 120_000);
});

describe("GET /api/v1/admin/overview", () => {
  it("counts a camera's upload and download, prices its storage, and keeps a daily snapshot on demand", async () => {
    const owner = await newUser();
    const camera = `cam-${randomUUID().slice(0, 8)}`;
    const bytes = await makePng(40, 30);
    const before = (await admin.json("/api/v1/admin/overview")).body;
    expect(() => r.operationsOverview.parse(before)).not.toThrow();
    const up = await apiUpload(owner.session, { name: "door.png", type: "image/png", bytes }, { metadata: JSON.stringify({ cameraId: camera }) });
    expect(up.status).toBe(201);
    await waitForStatus(async () => (await owner.session.json(`/api/v1/files/${up.body.fileId}`)).body.status, "ready", 45_000);
    const download = await owner.session.fetch(`/api/v1/files/${up.body.fileId}/download`);
    expect(download.status).toBe(200);
    await download.arrayBuffer();

    const res = await admin.json("/api/v1/admin/overview");
    expect(res.status).toBe(200);
    const o = r.operationsOverview.parse(res.body);
    expect(o.totals.files).toBe(before.totals.files + 1);
    expect(o.totals.bytes).toBe(before.totals.bytes + bytes.length);
    expect(o.today.uploads).toBeGreaterThanOrEqual(before.today.uploads + 1);
    expect(o.today.downloads).toBeGreaterThanOrEqual(before.today.downloads + 1);
    expect(o.activity).toHaveLength(24);
    expect(o.activity.at(-1)!.uploads).toBeGreaterThanOrEqual(1);
    const standard = o.byTier.find((t) => t.tier === "standard")!;
    expect(standard.bytes).toBe(before.byTier.find((t: { tier: string }) => t.tier === "standard").bytes + bytes.length);
    const row = o.cameras.find((c) => c.cameraId === camera);
    expect(row).toMatchObject({ files: 1, bytes: bytes.length, bytesByTier: { standard: bytes.length } });
    expect(row!.monthlyCost).toBeCloseTo((bytes.length / 1024 ** 3) * o.prices.perGbMonth.standard, 4);
    expect(o.lastBackup).toBeNull();
    const today = new Date().toISOString().slice(0, 10);
    expect(o.storageHistory.tiers.points.at(-1)!.day).toBe(today);

    const snap = await admin.json("/api/v1/admin/storage-snapshots", { method: "POST" });
    expect(snap.status).toBe(202);
    const stored = await waitForStatus(async () => {
      const [s] = await testSql()`select bytes::int as bytes from storage_snapshots where day = ${today}::date and dimension = 'camera' and value = ${camera}`;
      return String(s?.bytes ?? "none");
    }, String(bytes.length), 30_000);
    expect(stored).toBe(String(bytes.length));
    expect((await owner.session.json("/api/v1/admin/storage-snapshots", { method: "POST" })).status).toBe(403);
  });
});
