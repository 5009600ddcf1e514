import type { Role } from "@/db/schema";

/** Every permission the app checks. Roles and API key scopes only matter through the tables below. */
export const PERMISSIONS = [
  "files.read",
  "files.write",
  "files.delete",
  /** Not a capability of its own: widens the files.* permissions from one's own files to everyone's. */
  "files.manage_all",
  "users.read",
  "users.manage",
  "audit.read",
  "api_keys.manage",
  "api_keys.manage_all",
  "webhooks.manage",
  /** See background work (processing jobs) and re-run it. */
  "jobs.manage",
  /** The operations dashboard (storage, activity, costs) and alerts: list, acknowledge, evaluate now. */
  "ops.manage",
  "backup.read",
  /** Backup runs, restores and drills (issue 10). */
  "backup.manage",
  /** Archive policies, retention rules, legal holds and lifecycle runs. */
  "lifecycle.manage",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  user: ["files.read", "files.write", "files.delete", "api_keys.manage"],
  admin: PERMISSIONS,
  system: ["files.read", "files.write", "files.delete", "files.manage_all", "api_keys.manage", "backup.read"],
  auditor: ["audit.read", "users.read", "api_keys.manage"],
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export const API_KEY_SCOPES = ["files:read", "files:write", "files:delete", "audit:read", "backup:read", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What each scope lets a key do, always within what the key owner's role allows. */
const SCOPE_PERMISSIONS: Record<ApiKeyScope, readonly Permission[]> = {
  "files:read": ["files.read"],
  "files:write": ["files.write"],
  "files:delete": ["files.delete"],
  "audit:read": ["audit.read"],
  "backup:read": ["backup.read"],
  admin: PERMISSIONS,
};

export function scopesGrant(scopes: readonly string[], permission: Permission): boolean {
  if (permission === "files.manage_all") return true;
  return scopes.some((s) => SCOPE_PERMISSIONS[s as ApiKeyScope]?.includes(permission));
}

/** A scope is grantable when the owner's role holds at least one of the permissions it stands for. */
export function roleMayGrantScope(role: Role, scope: ApiKeyScope): boolean {
  if (scope === "admin") return role === "admin";
  return SCOPE_PERMISSIONS[scope].every((p) => roleHas(role, p));
}
