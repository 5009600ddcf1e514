import type { Metadata } from "next";
import { ArchiveAdmin } from "@/components/admin/archive-admin";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Archive" };

export default async function ArchivePage() {
  await requirePermission("lifecycle.manage");
  return <ArchiveAdmin />;
}
