import Link from "next/link";
import type { ReactNode } from "react";
import { signOutAction } from "@/lib/auth/actions";
import { NavLinks } from "./nav-links";

export interface ShellUser {
  email: string;
  name: string;
  role: string;
}

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const links = [
    { href: "/files", label: "Files" },
    { href: "/upload", label: "Upload" },
    ...(user.role === "admin" ? [{ href: "/admin/users", label: "Users" }] : []),
  ];
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="shell-header">
        <div className="shell-header-inner">
          <Link href="/files" className="brand" aria-label="Framevault home">
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
