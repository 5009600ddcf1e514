import type { Role } from "@/db/schema";
import type { Tx } from "@/db/client";
import { roleHas, type Permission } from "./permissions";

/** Who is acting. API keys join this union when they arrive. */
export type Actor =
  | { type: "user"; userId: string; role: Role; email: string }
  | { type: "system"; name: string };

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

/** What every service receives: the actor, where the request came from, and an optional transaction. */
export interface ServiceContext {
  actor: Actor;
  request?: RequestInfo;
  tx?: Tx;
}

export function actorHas(actor: Actor, permission: Permission): boolean {
  return actor.type === "system" || roleHas(actor.role, permission);
}

/** The owner id that queries must be scoped to, or null when the actor may see every owner's files. */
export function ownerScope(actor: Actor): string | null {
  if (actorHas(actor, "files.manage_all")) return null;
  return actor.type === "user" ? actor.userId : null;
}

export function actorId(actor: Actor): string {
  return actor.type === "user" ? actor.userId : `system:${actor.name}`;
}
