import type { Metadata } from "next";
import { ReconciliationAdmin } from "@/components/admin/reconciliation-admin";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Reconciliation" };

export default async function ReconciliationPage() {
  await requirePermission("lifecycle.manage");
  return <ReconciliationAdmin />;
}
