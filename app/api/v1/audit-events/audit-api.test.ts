import { beforeAll, describe, expect, it } from "vitest";
import { adminSignIn, anonymous, apiUpload, newUser } from "@/scripts/testing/client";
import { testSql, waitForStatus } from "@/scripts/testing/backends";
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
    expect(second.body.events[0].seq).toBeLessThan(first.body.events[1].seq);
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
  it("refuses UPDATE and DELETE on the log", async () => {
    await expect(testSql()`update audit_events set outcome = 'failure' where file_id = ${fileId}`).rejects.toThrow(/append-only/);
    await expect(testSql()`delete from audit_events where file_id = ${fileId}`).rejects.toThrow(/append-only/);
  });

  it("verifies the chain, and names the row that was altered behind the app's back", async () => {
    const ok = await auditor.session.json("/api/v1/audit-events/verify");
    expect(ok.body).toEqual({ valid: true, checked: expect.any(Number) });
    expect(ok.body.checked).toBeGreaterThan(5);

    const [row] = await testSql()`select id, details from audit_events where file_id = ${fileId} and action = 'file.download' order by seq limit 1`;
    // Bypass the append-only trigger as a database superuser would.
    await testSql().begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update audit_events set details = ${tx.json({ status: 200, forged: true })} where id = ${row.id}`;
    });
    const broken = await auditor.session.json("/api/v1/audit-events/verify");
    expect(broken.body).toMatchObject({ valid: false, firstBrokenId: Number(row.id) });

    await testSql().begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update audit_events set details = ${tx.json(row.details)} where id = ${row.id}`;
    });
    expect((await auditor.session.json("/api/v1/audit-events/verify")).body.valid).toBe(true);
  });
});
