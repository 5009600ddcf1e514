import type { Role } from "@/db/schema";

/** Every permission the app checks. Roles only matter through this table. */
export const PERMISSIONS = [
  "files.read",
  "files.write",
  "files.delete",
  "files.manage_all",
  "users.read",
  "users.manage",
  "audit.read",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  user: ["files.read", "files.write", "files.delete"],
  admin: PERMISSIONS,
  system: ["files.read", "files.write", "files.delete", "files.manage_all"],
  auditor: ["audit.read", "users.read"],
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
