import { beforeAll, describe, expect, it } from "vitest";
import { adminSignIn, anonymous, apiUpload, newUser } from "@/scripts/testing/client";
import { auditActions, ownerSql, testSql, waitForStatus, waitUntilProcessed } from "@/scripts/testing/backends";
import { makeJpeg } from "@/scripts/testing/fixtures";

let owner: Awaited<ReturnType<typeof newUser>>;
let auditor: Awaited<ReturnType<typeof newUser>>;
let fileId: string;

beforeAll(async () => {
  [owner, auditor] = await Promise.all([newUser("user"), newUser("auditor")]);
});

async function trail(id: string): Promise<string[]> {
  const res = await auditor.session.json(`/api/v1/audit-events?fileId=${id}&limit=500`);
  expect(res.status).toBe(200);
  return res.body.events.map((e: { action: string }) => e.action).reverse();
}

describe("audit trail of a file", () => {
  it("records exactly the events of each operation, in order, with actor, IP and user agent", async () => {
    const up = await apiUpload(owner.session, { name: "door.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    fileId = up.body.fileId;
    await waitForStatus(async () => (await testSql()`select status from files where id = ${fileId}`)[0].status, "ready");
    expect(await trail(fileId)).toEqual(["file.upload", "file.processed"]);
    expect((await owner.session.json(`/api/v1/files/${fileId}`)).status).toBe(200);

    const dl = await owner.session.fetch(`/api/v1/files/${fileId}/download`, { headers: { "x-forwarded-for": "203.0.113.7", "user-agent": "camera-agent/1.0" } });
    const etag = dl.headers.get("etag")!;
    await dl.arrayBuffer();
    await (await owner.session.fetch(`/api/v1/files/${fileId}/download`, { headers: { "if-none-match": etag } })).arrayBuffer();
    await owner.session.json(`/api/v1/files/${fileId}`, { method: "DELETE" });
    expect(await trail(fileId)).toEqual(["file.upload", "file.processed", "file.view", "file.download", "file.download", "file.delete"]);

    const events = (await auditor.session.json(`/api/v1/audit-events?fileId=${fileId}&action=file.download`)).body.events;
    const first = events.at(-1);
    expect(first).toMatchObject({ actorType: "user", actorId: owner.id, outcome: "success", ip: "127.0.0.1", userAgent: "camera-agent/1.0", details: { status: 200 } });
    expect(events[0].details).toMatchObject({ status: 304 });
  });

  it("shows the owner their file's trail and hides it from others", async () => {
    const up = await apiUpload(owner.session, { name: "gate.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    const mine = await owner.session.json(`/api/v1/files/${up.body.fileId}/audit-events`);
    expect(mine.status).toBe(200);
    expect(mine.body.events.at(-1).action).toBe("file.upload");
    const stranger = await newUser();
    expect((await stranger.session.json(`/api/v1/files/${up.body.fileId}/audit-events`)).status).toBe(404);
  });

  it("tells the owner who in words only: other actors' ids, addresses and agents are for auditors and admins", async () => {
    const up = await apiUpload(owner.session, { name: "lobby.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    const admin = await adminSignIn();
    expect((await admin.json(`/api/v1/files/${up.body.fileId}`, { headers: { "user-agent": "admin-agent/2.0" } })).status).toBe(200);

    const asOwner = (await owner.session.json(`/api/v1/files/${up.body.fileId}/audit-events`)).body.events;
    const adminView = asOwner.find((e: { action: string }) => e.action === "file.view");
    expect(adminView).toMatchObject({ actor: "an administrator", actorId: null, ip: null, userAgent: null, details: {} });
    expect(JSON.stringify(asOwner)).not.toContain("admin-agent");
    expect(asOwner.find((e: { action: string }) => e.action === "file.upload")).toMatchObject({ actor: "Test user", actorId: owner.id });

    const asAuditor = (await auditor.session.json(`/api/v1/audit-events?fileId=${up.body.fileId}&action=file.view`)).body.events;
    expect(asAuditor[0]).toMatchObject({ actorType: "user", userAgent: "admin-agent/2.0", ip: expect.any(String) });
    expect(asAuditor[0].actorId).not.toBe(owner.id);
    const asAdmin = (await admin.json(`/api/v1/files/${up.body.fileId}/audit-events?action=file.view`)).body.events;
    expect(asAdmin[0]).toMatchObject({ userAgent: "admin-agent/2.0", ip: expect.any(String), actorId: asAuditor[0].actorId, actor: expect.stringContaining("(admin)") });
  });

  it("records a page that refetches its file as one view per AUDIT_VIEW_COALESCE_MINUTES, and ranges of one playback as one download", async () => {
    const up = await apiUpload(owner.session, { name: "poll.jpg", type: "image/jpeg", bytes: await makeJpeg() });
    const id = up.body.fileId;
    for (let i = 0; i < 5; i++) expect((await owner.session.json(`/api/v1/files/${id}`)).status).toBe(200);
    await Promise.all(Array.from({ length: 5 }, () => owner.session.json(`/api/v1/files/${id}`)));
    expect((await auditActions(id)).filter((a) => a === "file.view")).toHaveLength(1);

    await waitUntilProcessed(id);
    for (const range of ["bytes=0-9", "bytes=10-19", "bytes=20-29"]) {
      const res = await owner.session.fetch(`/api/v1/files/${id}/download`, { headers: { range } });
      expect(res.status).toBe(206);
      await res.arrayBuffer();
    }
    await (await owner.session.fetch(`/api/v1/files/${id}/download`)).arrayBuffer();
    const downloads = await testSql()`select details from audit_events where file_id = ${id} and action = 'file.download' order by id`;
    expect(downloads.map((d) => d.details.status)).toEqual([206, 200]);
  });

  it("records failed sign-ins", async () => {
    await fetch(`${process.env.FRAMEVAULT_BASE_URL}/api/auth/csrf`);
    const [before] = await testSql()`select count(*)::int as n from audit_events where action = 'auth.sign_in' and outcome = 'failure'`;
    const { signIn } = await import("@/scripts/testing/client");
    await expect(signIn(owner.email, "wrong-password")).rejects.toThrow();
    const [after] = await testSql()`select count(*)::int as n from audit_events where action = 'auth.sign_in' and outcome = 'failure'`;
    expect(after.n).toBe(before.n + 1);
  });
});

describe("/api/v1/audit-events access", () => {
  it("is for auditors and admins only; auditors get no file bytes", async () => {
    expect((await owner.session.json("/api/v1/audit-events")).status).toBe(403);
    expect((await owner.session.json("/api/v1/audit-events/verify")).status).toBe(403);
    expect((await anonymous.json("/api/v1/audit-events")).status).toBe(401);
    expect((await (await adminSignIn()).json("/api/v1/audit-events?limit=1")).status).toBe(200);
    expect((await auditor.session.json("/api/v1/files")).status).toBe(403);
    expect((await auditor.session.json(`/api/v1/files/${fileId}/download`)).status).toBe(403);
  });

  it("pages with a cursor, newest first", async () => {
    const first = await auditor.session.json("/api/v1/audit-events?limit=2");
    expect(first.body.events).toHaveLength(2);
    const second = await auditor.session.json(`/api/v1/audit-events?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.events[0].id).toBeLessThan(first.body.events[1].id);
  });

  it("exports CSV with a header, one line per event and formula-safe cells", async () => {
    const res = await auditor.session.fetch(`/api/v1/audit-events/export?fileId=${fileId}`);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe("id,seq,occurredAt,actorType,actorId,action,fileId,outcome,ip,userAgent,details,hash");
    expect(lines).toHaveLength(7);
    expect(lines[1]).toContain("file.upload");
  });
});

describe("tamper evidence", () => {
  const LOCK = 0x46564155; // the sealer's advisory lock (lib/audit/chain.ts): an attacker waits for the sealer, as we do
  type Row = { j: Record<string, unknown> };

  async function verify() {
    const res = await auditor.session.json("/api/v1/audit-events/verify");
    expect(res.status).toBe(200);
    return res.body;
  }

  /** The newest sealed events with their links, as the owner sees them (jsonb keeps microseconds). */
  async function newestSealed(n: number) {
    const links = await ownerSql()<Row[]>`select to_jsonb(c) as j from audit_chain c order by seq desc limit ${n}`;
    const ids = links.map((l) => Number(l.j.event_id));
    const events = await ownerSql()<Row[]>`select to_jsonb(e) as j from audit_events e where id = any(${ids}::bigint[])`;
    return { links: links.map((l) => l.j), events: events.map((e) => e.j), ids };
  }

  /** As the owner: switch off the append-only trigger, as anyone with owner rights can, and change the log. */
  async function asOwnerWithoutTriggers(change: (tx: import("postgres").TransactionSql) => Promise<unknown>) {
    await ownerSql().begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOCK}, 0)`;
      await tx`alter table audit_events disable trigger audit_events_append_only`;
      await tx`alter table audit_chain disable trigger audit_chain_append_only`;
      await change(tx);
      await tx`alter table audit_events enable trigger audit_events_append_only`;
      await tx`alter table audit_chain enable trigger audit_chain_append_only`;
    });
  }

  async function putBack(events: Record<string, unknown>[], links: Record<string, unknown>[]) {
    await ownerSql().begin(async (tx) => {
      if (events.length) await tx`insert into audit_events overriding system value select * from jsonb_populate_recordset(null::audit_events, ${tx.json(events as never)}::jsonb)`;
      if (links.length) await tx`insert into audit_chain select * from jsonb_populate_recordset(null::audit_chain, ${tx.json(links as never)}::jsonb)`;
    });
  }

  it("gives the app's role INSERT and SELECT on the log and nothing else", async () => {
    for (const table of ["audit_events", "audit_chain"]) {
      const column = table === "audit_events" ? "outcome" : "hash";
      await expect(testSql().unsafe(`update ${table} set ${column} = ${column}`)).rejects.toThrow(/permission denied/);
      await expect(testSql().unsafe(`delete from ${table}`)).rejects.toThrow(/permission denied/);
      await expect(testSql().unsafe(`truncate ${table}`)).rejects.toThrow(/permission denied/);
      await expect(testSql().unsafe(`alter table ${table} disable trigger all`)).rejects.toThrow(/must be owner/);
    }
    const [me] = await testSql()`select current_user as role, (select rolsuper from pg_roles where rolname = current_user) as superuser`;
    expect(me).toEqual({ role: "framevault_app", superuser: false });
    const [owned] = await testSql()`select count(*)::int as n from pg_tables where tableowner = current_user`;
    expect(owned.n).toBe(0);
  });

  it("refuses UPDATE and DELETE even to the owner while the triggers are on", async () => {
    await expect(ownerSql()`update audit_events set outcome = 'failure' where file_id = ${fileId}`).rejects.toThrow(/append-only/);
    await expect(ownerSql()`delete from audit_events where file_id = ${fileId}`).rejects.toThrow(/append-only/);
    await expect(ownerSql()`delete from audit_chain where seq = 1`).rejects.toThrow(/append-only/);
  });

  it("verifies the chain, and names the row that was altered behind the app's back", async () => {
    const ok = await verify();
    expect(ok).toMatchObject({ valid: true, checked: expect.any(Number), unsealed: expect.any(Number), checkpoints: expect.any(Number) });
    expect(ok.checked).toBeGreaterThan(5);
    expect(ok.checkpoints).toBeGreaterThan(0);

    const [row] = await ownerSql()`select e.id, e.details, c.seq from audit_events e join audit_chain c on c.event_id = e.id
      where e.file_id = ${fileId} and e.action = 'file.download' order by c.seq limit 1`;
    await asOwnerWithoutTriggers((tx) => tx`update audit_events set details = ${tx.json({ status: 200, forged: true })} where id = ${row.id}`);
    expect(await verify()).toMatchObject({ valid: false, reason: "altered", firstBrokenId: Number(row.id), firstBrokenSeq: Number(row.seq) });

    await asOwnerWithoutTriggers((tx) => tx`update audit_events set details = ${tx.json(row.details)} where id = ${row.id}`);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it("detects the newest rows deleted by the owner, and names where", async () => {
    await verify();
    const gone = await newestSealed(3);
    await asOwnerWithoutTriggers((tx) => tx`delete from audit_events where id = any(${gone.ids}::bigint[])`);
    const missing = await verify();
    const first = gone.links.reduce((a, b) => (Number(a.seq) < Number(b.seq) ? a : b));
    expect(missing).toMatchObject({ valid: false, reason: "missing", firstBrokenId: Number(first.event_id), firstBrokenSeq: Number(first.seq) });
    await putBack(gone.events, []);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it("detects a truncated tail (rows and their links deleted) from the checkpoint in S3, and stops sealing past it", async () => {
    await verify();
    const gone = await newestSealed(3);
    const firstGoneSeq = Math.min(...gone.links.map((l) => Number(l.seq)));
    await asOwnerWithoutTriggers(async (tx) => {
      await tx`delete from audit_chain where event_id = any(${gone.ids}::bigint[])`;
      await tx`delete from audit_events where id = any(${gone.ids}::bigint[])`;
    });
    // New activity after the deletion must not be chained over the gap.
    await auditor.session.json("/api/v1/audit-events?limit=1");
    await adminSignIn().then((admin) => admin.json("/api/v1/api-keys", { method: "POST", body: { name: "after-truncation", scopes: ["files:read"] } }));
    const truncated = await verify();
    expect(truncated).toMatchObject({ valid: false, reason: "truncated", firstBrokenSeq: firstGoneSeq });
    expect(truncated.unsealed).toBeGreaterThan(0);
    const [head] = await ownerSql()`select max(seq)::int as seq from audit_chain`;
    expect(head.seq).toBe(firstGoneSeq - 1);

    await putBack(gone.events, gone.links);
    const healed = await verify();
    expect(healed).toMatchObject({ valid: true, unsealed: expect.any(Number) });
    expect(healed.checked).toBeGreaterThan(firstGoneSeq);
  });
});
