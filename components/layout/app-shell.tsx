import Link from "next/link";
import type { ReactNode } from "react";
import type { Role } from "@/db/schema";
import { signOutAction } from "@/lib/auth/actions";
import { roleHas, type Permission } from "@/lib/auth/permissions";
import { NavLinks, type NavLink } from "./nav-links";

export interface ShellUser {
  email: string;
  name: string;
  role: Role;
}

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const can = (p: Permission) => roleHas(user.role, p);
  const links: NavLink[] = [
    ...(can("ops.manage") ? [{ href: "/admin", label: "Dashboard", exact: true }] : []),
    ...(can("files.read") ? [{ href: "/files", label: "Files" }] : []),
    ...(can("files.write") ? [{ href: "/upload", label: "Upload" }] : []),
    ...(can("files.delete") ? [{ href: "/trash", label: "Trash" }] : []),
    ...(can("files.read") ? [{ href: "/retrievals", label: "Retrievals" }] : []),
    ...(can("audit.read") ? [{ href: "/audit", label: "Audit" }] : []),
    ...(can("users.manage") ? [{ href: "/admin/users", label: "Users", group: "admin" as const }] : []),
    ...(can("webhooks.manage") ? [{ href: "/admin/webhooks", label: "Webhooks", group: "admin" as const }] : []),
    ...(can("jobs.manage") ? [{ href: "/admin/jobs", label: "Jobs", group: "admin" as const }] : []),
    ...(can("lifecycle.manage") ? [{ href: "/admin/archive", label: "Archive", group: "admin" as const }, { href: "/admin/retention", label: "Retention", group: "admin" as const }, { href: "/admin/reconciliation", label: "Reconcile", group: "admin" as const }] : []),
    ...(can("jobs.manage") ? [{ href: "/admin/cdn", label: "CDN", group: "admin" as const }] : []),
    ...(can("backup.manage") ? [{ href: "/admin/backups", label: "Backups", group: "admin" as const }] : []),
    ...(can("api_keys.manage") ? [{ href: "/settings/api-keys", label: "API keys" }] : []),
    { href: "/docs/api", label: "API docs" },
  ];
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="shell-header">
        <div className="shell-header-inner">
          <Link href="/" className="brand" aria-label="Framevault home">
            <span className="brand-mark" aria-hidden>F</span>
            <span className="brand-name">Framevault</span>
          </Link>
          <NavLinks links={links} />
          <div className="user-menu">
            <span className="user-email" data-testid="current-user">{user.email}</span>
            {user.role !== "user" && <span className={`badge badge-${user.role}`}>{user.role}</span>}
            <form action={signOutAction}>
              <button className="btn btn-sm" type="submit">Sign out</button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="main">{children}</main>
    </>
  );
}
