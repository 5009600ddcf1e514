import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "@/db/schema";
import { DEFAULT_ARCHIVE_POLICIES } from "@/lib/archive/defaults";
import { actorHas, type Actor } from "@/lib/auth/actor";
import { API_ROUTES, type RouteDoc } from "@/lib/openapi/routes";
import { adminSignIn, anonymous, apiUpload, newUser, sessionFromCookie, type Session } from "@/scripts/testing/client";
import { ownerSql, testSql, waitForStatus, waitUntilProcessed } from "@/scripts/testing/backends";
import { makeJpeg } from "@/scripts/testing/fixtures";

// Every /api/v1 operation x every kind of caller x own/other's resource, each with the status the
// permission table says it must get. Routes come from the same list that documents the API.

interface Caller {
  name: string;
  session: Session;
  /** The account whose resources count as "own". */
  account: { id: string; session: Session } | null;
  actor: Actor | null;
}

const OWNED: Record<string, "file" | "apiKey" | "user" | "event" | "retrieval" | undefined> = {
  "/api/v1/files/{id}": "file",
  "/api/v1/files/{id}/download": "file",
  "/api/v1/files/{id}/audit-events": "file",
  // Names the file in its body; another owner's file is left out, and with nothing left: 404.
  "/api/v1/files/bulk-download": "file",
  "/api/v1/files/{id}/restore": "file",
  "/api/v1/files/{id}/versions": "file",
  "/api/v1/files/{id}/versions/{n}/restore": "file",
  "/api/v1/api-keys/{id}": "apiKey",
  "/api/v1/users/{id}": "user",
  "/api/v1/events/{eventId}": "event",
  // Asked for on an archived file (the case archives it first, in the database).
  "/api/v1/files/{id}/retrievals": "file",
  "/api/v1/retrievals/{id}": "retrieval",
};

/** Marks a file archived, as the archive run would record it, so retrieval routes accept it. */
async function markArchived(fileId: string) {
  await ownerSql()`update files set storage_tier = 'archive', archived_at = now(), archive_rule_id = 'matrix' where id = ${fileId}`;
}

let sharedRunId: string | undefined;
let sharedBackupId: string | undefined;

/** One backup runs at a time (409 backup_running otherwise): a case that starts one waits for the last to end. */
async function noBackupRunning() {
  await waitForStatus(async () => {
    const [row] = await testSql()`select count(*)::int as n from backup_sets where status in ('running', 'verifying')`;
    return row.n === 0 ? "idle" : "running";
  }, "idle", 180_000);
}
let sharedReconcileRunId: string | undefined;
let sharedBackupSetId: string | undefined;
let sharedRestoreId: string | undefined;

function keySession(secret: string): Session {
  const base = sessionFromCookie("");
  const auth = (init: RequestInit = {}) => ({ ...init, headers: { authorization: `Bearer ${secret}`, ...(init.headers as Record<string, string>) } });
  return { ...base, fetch: (p, init) => base.fetch(p, auth(init)), json: (p, init = {}) => base.json(p, { ...init, ...auth(init as RequestInit) }) as never };
}

const callers: Caller[] = [];
let other: { id: string; session: Session };
const sharedFiles = new Map<string, string>();
const sharedEvents = new Map<string, string>();

async function roleCaller(role: Role): Promise<Caller> {
  const u = await newUser(role);
  return { name: role, session: u.session, account: u, actor: { type: "user", userId: u.id, role, email: u.email } };
}

async function keyCaller(role: Role, scopes: string[]): Promise<Caller> {
  const u = await newUser(role);
  const admin = await adminSignIn();
  const created = await admin.json("/api/v1/api-keys", { method: "POST", body: { name: `matrix ${role}`, scopes, ownerId: u.id } });
  expect(created.status).toBe(201);
  const actor: Actor = { type: "apiKey", keyId: created.body.id, userId: u.id, role, scopes, cameraId: null, filenamePrefix: null };
  return { name: `${role} key [${scopes.join(",")}]`, session: keySession(created.body.secret), account: u, actor };
}

beforeAll(async () => {
  other = await newUser();
  callers.push({ name: "anonymous", session: anonymous, account: null, actor: null });
  for (const role of ["user", "admin", "system", "auditor"] as Role[]) callers.push(await roleCaller(role));
  for (const [role, scopes] of [["user", ["files:read"]], ["user", ["files:write"]], ["user", ["files:delete"]], ["auditor", ["audit:read"]], ["admin", ["admin"]], ["system", ["files:read", "files:write", "files:delete"]], ["system", ["backup:read"]]] as [Role, string[]][]) {
    callers.push(await keyCaller(role, scopes));
  }
}, 120_000);

async function uploadFor(owner: { session: Session }): Promise<string> {
  // Accounts that may not upload (auditors) own no files: their "own" cases then name no file.
  // The matrix uploads more files per account than the suite's upload limit allows a minute: a refusal with
  // 429 is waited out as its Retry-After says, as a client would.
  let res = await apiUpload(owner.session, { name: "m.jpg", type: "image/jpeg", bytes: await makeJpeg(16, 16) });
  for (let tries = 0; res.status === 429 && tries < 3; tries++) {
    await new Promise((r) => setTimeout(r, (Number(res.headers.get("retry-after")) || 5) * 1000));
    res = await apiUpload(owner.session, { name: "m.jpg", type: "image/jpeg", bytes: await makeJpeg(16, 16) });
  }
  const id = res.body.fileId;
  if (id) await waitUntilProcessed(id);
  return id;
}

// The endpoints the matrix registers point nowhere; remove them so later tests' events are not sent there.
afterAll(async () => {
  if (sharedBackupSetId) await ownerSql()`delete from backup_sets where id = ${sharedBackupSetId}`;
  const admin = await adminSignIn();
  const { body } = await admin.json("/api/v1/webhooks");
  const endpoints = body.endpoints as { id: string; url: string }[];
  for (const e of endpoints.filter((e) => e.url.startsWith("https://hooks.example.com/"))) {
    await admin.fetch(`/api/v1/webhooks/${e.id}`, { method: "DELETE" });
  }
});

/** A resource for one case: fresh where the case changes it, shared where it only reads. */
async function resourceId(kind: string | undefined, owner: { id: string; session: Session }, mutates: boolean): Promise<string> {
  if (kind === "file" && mutates) return uploadFor(owner);
  if (kind === "file") {
    if (!sharedFiles.has(owner.id)) sharedFiles.set(owner.id, await uploadFor(owner));
    return sharedFiles.get(owner.id)!;
  }
  if (kind === "event") {
    // A counting event of which the owner has one file.
    if (!sharedEvents.has(owner.id)) {
      const eventId = `matrix-${randomUUID().slice(0, 8)}`;
      await apiUpload(owner.session, { name: "e.jpg", type: "image/jpeg", bytes: await makeJpeg(16, 16) }, { eventId });
      sharedEvents.set(owner.id, eventId);
    }
    return sharedEvents.get(owner.id)!;
  }
  if (kind === "retrieval") {
    // A retrieval of an archived file of the owner's, asked for by an admin (accounts without files own none).
    const fileId = await uploadFor(owner);
    if (!fileId) return randomUUID();
    await markArchived(fileId);
    const admin = await adminSignIn();
    const created = await admin.json(`/api/v1/files/${fileId}/retrievals`, { method: "POST", body: { tier: "bulk", days: 1 } });
    expect(created.status).toBe(202);
    return created.body.retrievalId;
  }
  if (kind === "run") {
    if (!sharedRunId) {
      const admin = await adminSignIn();
      sharedRunId = (await admin.json("/api/v1/lifecycle/runs", { method: "POST", body: { kind: "archive" } })).body.runId;
    }
    return sharedRunId!;
  }
  if (kind === "reconcileRun") {
    // A finished reconciliation (default grace: nothing this young is an orphan, so nothing is deleted).
    if (!sharedReconcileRunId) {
      const admin = await adminSignIn();
      const runId = (await admin.json("/api/v1/lifecycle/runs", { method: "POST", body: { kind: "reconcile" } })).body.runId as string;
      expect(await waitForStatus(async () => (await admin.json(`/api/v1/lifecycle/runs/${runId}`)).body.status, "succeeded", 120_000)).toBe("succeeded");
      sharedReconcileRunId = runId;
    }
    return sharedReconcileRunId;
  }
  if (kind === "backup") {
    // Backup sets belong to no one: one manual incremental, read by every GET case.
    if (!sharedBackupId) {
      await noBackupRunning();
      const admin = await adminSignIn();
      const created = await admin.json("/api/v1/backups", { method: "POST", body: { type: "incremental" } });
      expect(created.status).toBe(202);
      sharedBackupId = created.body.backupId as string;
    }
    return sharedBackupId;
  }
  if (kind === "hold") {
    // Holds belong to no one: a fresh one on a camera no file has, for each DELETE case.
    const admin = await adminSignIn();
    const created = await admin.json("/api/v1/legal-holds", { method: "POST", body: { scope: { cameraId: `matrix-${randomUUID()}` }, reason: "matrix" } });
    expect(created.status).toBe(201);
    return created.body.id;
  }
  if (kind === "user") return owner.id;
  if (kind === "apiKey") {
    const admin = await adminSignIn();
    const role = (callers.find((c) => c.account?.id === owner.id)?.actor as { role?: Role } | null)?.role;
    const created = await admin.json("/api/v1/api-keys", { method: "POST", body: { name: "victim", scopes: [role === "auditor" ? "audit:read" : "files:read"], ownerId: owner.id } });
    expect(created.status).toBe(201);
    return created.body.id;
  }
  if (kind === "job") {
    // Jobs belong to no one either: the processing job of a fresh upload by a plain user.
    const fileId = await uploadFor(other);
    const admin = await adminSignIn();
    const listed = await admin.json(`/api/v1/jobs?fileId=${fileId}`);
    expect(listed.body.jobs).toHaveLength(1);
    return listed.body.jobs[0].id;
  }
  if (kind === "backupSet") {
    // A completed, verified set as the app records it (its manifest is not needed to accept a restore or a
    // drill: their jobs fail later, on a set dated 2000 that no schedule or status picks).
    if (!sharedBackupSetId) {
      const [row] = await ownerSql()`insert into backup_sets (type, status, trigger, started_at, finished_at, verification)
        values ('full', 'completed', 'manual', '2000-01-01', '2000-01-01', 'passed') returning id`;
      sharedBackupSetId = row.id as string;
    }
    return sharedBackupSetId;
  }
  if (kind === "restoreJob") {
    if (!sharedRestoreId) {
      const [row] = await ownerSql()`insert into backup_restores (set_id, scope, dry_run, status, finished_at, error)
        values (${randomUUID()}, '"all"'::jsonb, true, 'failed', now(), 'authorisation matrix') returning id`;
      sharedRestoreId = row.id as string;
    }
    return sharedRestoreId;
  }
  if (kind === "alert") {
    // Alerts belong to no one either; a resolved one, so no rule resolves it and no dashboard shows it.
    const [row] = await testSql()`insert into alerts (rule, key, severity, title, status, resolved_at)
      values ('matrix', ${randomUUID()}, 'info', 'authorisation matrix', 'resolved', now()) returning id`;
    return row.id as string;
  }
  // Webhook endpoints belong to no one: admins manage them all.
  const admin = await adminSignIn();
  // Subscribed to an event these tests never cause, so no delivery is attempted.
  return (await admin.json("/api/v1/webhooks", { method: "POST", body: { url: "https://hooks.example.com/fv", events: ["file.quarantined"] } })).body.id;
}

async function requestFor(route: RouteDoc, caller: Caller, id: string) {
  // {n}: the first version, which every file has.
  if (route.path === "/api/v1/files/{id}/retrievals" && id) await markArchived(id);
  const path = route.path.replace("{id}", id).replace("{eventId}", id).replace("{n}", "1");
  if (route.form) {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(await makeJpeg(16, 16))], { type: "image/jpeg" }), "n.jpg");
    const res = await caller.session.fetch(path, { method: "POST", body: form });
    await res.arrayBuffer();
    return { status: res.status };
  }
  const bodies: Record<string, Record<string, unknown>> = {
    "post /api/v1/users": { email: `m-${randomUUID()}@matrix.test`, password: "matrix-password", name: "M" },
    "patch /api/v1/users/{id}": { name: "Renamed" },
    "patch /api/v1/files/{id}": { tags: ["matrix"] },
    "post /api/v1/api-keys": { name: "k", scopes: [caller.actor && "role" in caller.actor && caller.actor.role === "auditor" ? "audit:read" : "files:read"] },
    "post /api/v1/webhooks": { url: "https://hooks.example.com/fv", events: ["file.quarantined"] },
    "patch /api/v1/webhooks/{id}": { active: false },
    // Another owner's id (or none at all) is a per-id not_found inside a 200.
    "post /api/v1/files/bulk": { action: "tag", ids: [randomUUID()], tags: ["matrix"] },
    "post /api/v1/files/bulk-download": { ids: [id] },
    "post /api/v1/files/{id}/retrievals": { tier: "bulk", days: 1 },
    // The seeded rules, so the matrix leaves the policies as they were.
    "put /api/v1/lifecycle/policies": { policies: DEFAULT_ARCHIVE_POLICIES },
    "post /api/v1/lifecycle/runs": { kind: "archive" },
    "post /api/v1/lifecycle/runs/{id}/delete-orphans": {},
    // No rules (the retention test sets its own), and a hold on a camera no file has.
    "put /api/v1/lifecycle/retention": { rules: [] },
    "post /api/v1/legal-holds": { scope: { cameraId: `matrix-${randomUUID()}` }, reason: "matrix" },
    "post /api/v1/backups/{id}/restore": { scope: { fileIds: [randomUUID()] }, dryRun: true },
    "post /api/v1/backups": { type: "incremental" },
  };
  if (route.method === "post" && route.path === "/api/v1/backups") await noBackupRunning();
  const body = bodies[`${route.method} ${route.path}`];
  const res = await caller.session.fetch(path, {
    method: route.method.toUpperCase(),
    ...(body ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
  });
  await res.arrayBuffer();
  return { status: res.status };
}

function expectedStatus(route: RouteDoc, caller: Caller, variant: "own" | "other"): number {
  if (!caller.actor) return 401;
  if (!actorHas(caller.actor, route.permission as never)) return 403;
  const kind = OWNED[route.path];
  if (variant === "other" && (kind === "file" || kind === "event" || kind === "retrieval") && !actorHas(caller.actor, "files.manage_all")) return 404;
  if (variant === "other" && kind === "apiKey" && !actorHas(caller.actor, "api_keys.manage_all")) return 404;
  return Number(Object.keys(route.responses).find((s) => s.startsWith("2")));
}

describe("authorisation matrix", () => {
  it("gives every route, caller and ownership the status the permission table promises", async () => {
    const failures: string[] = [];
    let cases = 0;
    for (const route of API_ROUTES) {
      const kind = OWNED[route.path] ?? (route.path.endsWith("/delete-orphans") ? "reconcileRun" : route.path.startsWith("/api/v1/jobs/") ? "job" : route.path.startsWith("/api/v1/lifecycle/runs/") ? "run" : route.path.startsWith("/api/v1/legal-holds/") ? "hold" : route.path.startsWith("/api/v1/alerts/{id}") ? "alert" : route.path.startsWith("/api/v1/backups/{id}/") ? "backupSet" : route.path.startsWith("/api/v1/restores/") ? "restoreJob" : route.path.startsWith("/api/v1/backups/{id}") ? "backup" : route.path.includes("{id}") ? "webhook" : undefined);
      const variants: ("own" | "other")[] = OWNED[route.path] ? ["own", "other"] : ["own"];
      for (const caller of callers) {
        for (const variant of variants) {
          const owner = variant === "own" && caller.account ? caller.account : other;
          const id = kind ? await resourceId(kind, owner, route.method !== "get" && !route.path.endsWith("/bulk-download")) : "";
          const want = expectedStatus(route, caller, variant);
          const { status } = await requestFor(route, caller, id);
          cases++;
          if (status !== want) failures.push(`${route.method.toUpperCase()} ${route.path} as ${caller.name} (${variant}): got ${status}, want ${want}`);
        }
      }
    }
    console.log(`authorisation matrix: ${cases} cases, ${failures.length} mismatches`);
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(200);
    // Two of the cases start a real backup, each waiting for the one before to finish.
  }, 600_000);
});
