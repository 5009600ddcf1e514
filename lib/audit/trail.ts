import "server-only";
import { inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users, type Role } from "@/db/schema";
import { actorHas, type ServiceContext } from "@/lib/auth/actor";
import { findVisibleFile } from "@/lib/files/lookup";
import { readAuditPage, toApiAuditEvent, type ApiAuditEvent } from "./query";
import type { ListAuditQuery } from "./schemas";

type Person = { name: string | null; email: string; role: Role };

/** A trail event says who in words; for a file's owner, other actors' ids, addresses and agents are blank. */
export type TrailEvent = ApiAuditEvent & { actor: string };

const ROLE_WORDS: Record<Role, string> = { admin: "an administrator", system: "a system process", auditor: "an auditor", user: "another user" };

/**
 * `GET /api/v1/files/{id}/audit-events`: whoever may see the file sees what happened to it and when.
 * Holders of `audit.read` (admins) see everything; everyone else sees who only as words ("you",
 * "an administrator", "an API key of yours") and no other actor's id, IP, user agent or details.
 */
export async function listFileTrail(ctx: ServiceContext, input: { fileId: string; query: ListAuditQuery }) {
  const file = await findVisibleFile(ctx, input.fileId);
  const { rows, nextCursor, pagination } = await readAuditPage({ ...input.query, fileId: file.id, actor: undefined });
  const events = rows.map((r) => toApiAuditEvent(r.event, r.link));
  const ids = [...new Set(events.flatMap((e) => [e.actorType === "user" ? e.actorId : null, keyOwner(e)]).filter((id): id is string => !!id))];
  const people = new Map<string, Person>(
    ids.length ? (await getDb().select({ id: users.id, name: users.name, email: users.email, role: users.role }).from(users).where(inArray(users.id, ids))).map((u) => [u.id, u]) : [],
  );
  const full = actorHas(ctx.actor, "audit.read");
  const viewer = ctx.actor.type === "system" ? null : ctx.actor.userId;
  return { events: events.map((e) => (full ? describeFully(e, people) : describeForOwner(e, people, viewer))), nextCursor, pagination };
}

function keyOwner(e: ApiAuditEvent): string | null {
  return e.actorType === "apiKey" && typeof e.details.keyOwnerId === "string" ? e.details.keyOwnerId : null;
}

function personName(p: Person | undefined): string {
  return p ? p.name || p.email : "a deleted account";
}

function describeFully(e: ApiAuditEvent, people: Map<string, Person>): TrailEvent {
  const person = people.get((e.actorType === "apiKey" ? keyOwner(e) : e.actorId) ?? "");
  const actor =
    e.actorType === "system" ? `system process (${e.actorId?.replace(/^system:/, "")})`
    : e.actorType === "apiKey" ? `API key of ${personName(person)}${person ? ` (${person.role})` : ""}`
    : e.actorType === "user" ? `${personName(person)}${person ? ` (${person.role})` : ""}`
    : "someone not signed in";
  return { ...e, actor };
}

function describeForOwner(e: ApiAuditEvent, people: Map<string, Person>, viewer: string | null): TrailEvent {
  if (e.actorType === "user" && e.actorId === viewer) return { ...e, actor: personName(people.get(viewer!)) };
  if (e.actorType === "apiKey" && keyOwner(e) === viewer) return { ...e, actor: "an API key of yours" };
  const hidden = { actorId: null, ip: null, userAgent: null };
  if (e.actorType === "system") return { ...e, ...hidden, actor: "a system process" };
  const role = people.get((e.actorType === "apiKey" ? keyOwner(e) : e.actorId) ?? "")?.role;
  return { ...e, ...hidden, details: {}, actor: role ? ROLE_WORDS[role] : "someone else" };
}
