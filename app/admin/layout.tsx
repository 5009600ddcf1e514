import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { requirePermission } from "@/lib/auth/current-user";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requirePermission("users.manage");
  return <AppShell user={{ email: user.email, name: user.name, role: user.role }}>{children}</AppShell>;
}
