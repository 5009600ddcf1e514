import type { Metadata } from "next";
import { AuditLog } from "@/components/audit/audit-log";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  await requirePermission("audit.read");
  return <AuditLog />;
}
