import type { Metadata } from "next";
import { OperationsDashboard } from "@/components/admin/dashboard/dashboard";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Dashboard" };

export default async function AdminHome() {
  // The admin layout checks users.manage; the dashboard has its own permission.
  await requirePermission("ops.manage");
  return <OperationsDashboard />;
}
