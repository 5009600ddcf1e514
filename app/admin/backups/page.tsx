import type { Metadata } from "next";
import { BackupsAdmin } from "@/components/backups/backups-admin";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Backups" };

export default async function BackupsPage() {
  await requirePermission("backup.manage");
  return <BackupsAdmin />;
}
