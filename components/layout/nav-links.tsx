"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";

export interface NavLink {
  href: string;
  label: string;
  /** Current on that path alone (the dashboard at /admin is not current on /admin/users). */
  exact?: boolean;
  /** Links of the "Admin" group sit behind one disclosure button on wide screens. */
  group?: "admin";
}

function isCurrent(pathname: string, l: NavLink): boolean {
  return l.exact ? pathname === l.href : pathname === l.href || pathname.startsWith(`${l.href}/`);
}

/**
 * The main navigation. Wide screens: the everyday links in a row and the admin pages behind an "Admin"
 * disclosure (a button with aria-expanded, Escape and a click outside close it). Below 900 px: one "Menu"
 * button opens every link as a list. Both close on navigation. Disclosures, not ARIA menus: they are links.
 */
export function NavLinks({ links }: { links: NavLink[] }) {
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const [adminOpen, setAdminOpen] = useState(false);
  const adminRef = useRef<HTMLDivElement>(null);
  const adminButtonRef = useRef<HTMLButtonElement>(null);
  const navId = useId();
  const adminId = useId();

  useEffect(() => {
    setMenuOpen(false);
    setAdminOpen(false);
  }, [pathname]);

  useEffect(() => {
    if (!adminOpen && !menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      if (adminOpen) {
        setAdminOpen(false);
        adminButtonRef.current?.focus();
      } else setMenuOpen(false);
    };
    const onClick = (e: MouseEvent) => {
      if (adminOpen && adminRef.current && !adminRef.current.contains(e.target as Node)) setAdminOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onClick);
    };
  }, [adminOpen, menuOpen]);

  const main = links.filter((l) => !l.group);
  const admin = links.filter((l) => l.group === "admin");
  const adminCurrent = admin.some((l) => isCurrent(pathname, l));
  const link = (l: NavLink) => (
    <Link key={l.href} href={l.href} aria-current={isCurrent(pathname, l) ? "page" : undefined}>
      {l.label}
    </Link>
  );

  return (
    <>
      <button
        type="button"
        className="btn btn-sm nav-toggle"
        aria-expanded={menuOpen}
        aria-controls={navId}
        onClick={() => setMenuOpen((o) => !o)}
      >
        <span aria-hidden>☰</span> Menu
      </button>
      <nav id={navId} className="nav" aria-label="Main" data-open={menuOpen ? "" : undefined}>
        {main.map(link)}
        {admin.length > 0 && (
          <div className="nav-group" ref={adminRef}>
            <button
              ref={adminButtonRef}
              type="button"
              className="nav-group-button"
              aria-expanded={adminOpen}
              aria-controls={adminId}
              data-current={adminCurrent ? "" : undefined}
              onClick={() => setAdminOpen((o) => !o)}
            >
              Admin <span aria-hidden className="nav-caret">▾</span>
            </button>
            <div id={adminId} className="nav-group-links" data-open={adminOpen ? "" : undefined}>
              {admin.map(link)}
            </div>
          </div>
        )}
      </nav>
    </>
  );
}
