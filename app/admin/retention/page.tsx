import type { Metadata } from "next";
import { RetentionAdmin } from "@/components/admin/retention-admin";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Retention" };

export default async function RetentionPage() {
  await requirePermission("lifecycle.manage");
  return <RetentionAdmin />;
}
