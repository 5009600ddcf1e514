import type { Role } from "@/db/schema";
import type { Tx } from "@/db/client";
import { roleHas, scopesGrant, type Permission } from "./permissions";

/** Who is acting: a signed-in user, an API key (acting for its owner within its scopes), or the app itself. */
export type Actor =
  | { type: "user"; userId: string; role: Role; email: string }
  | {
      type: "apiKey";
      keyId: string;
      userId: string;
      role: Role;
      scopes: string[];
      cameraId: string | null;
      filenamePrefix: string | null;
    }
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
  switch (actor.type) {
    case "system":
      return true;
    case "user":
      return roleHas(actor.role, permission);
    case "apiKey":
      return roleHas(actor.role, permission) && scopesGrant(actor.scopes, permission);
  }
}

/** The owner id that queries must be scoped to, or null when the actor may see every owner's files. */
export function ownerScope(actor: Actor): string | null {
  if (actorHas(actor, "files.manage_all")) return null;
  return actor.type === "system" ? null : actor.userId;
}

/** The user who owns what this actor creates; the app itself owns nothing. */
export function owningUserId(actor: Actor): string | null {
  return actor.type === "system" ? null : actor.userId;
}

export function actorId(actor: Actor): string {
  switch (actor.type) {
    case "user":
      return actor.userId;
    case "apiKey":
      return actor.keyId;
    case "system":
      return `system:${actor.name}`;
  }
}
