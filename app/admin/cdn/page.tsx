import type { Metadata } from "next";
import { CdnAdmin } from "@/components/admin/cdn-admin";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "CDN" };

export default async function CdnPage() {
  // Invalidations are background work: the same permission as the Jobs page.
  await requirePermission("jobs.manage");
  return <CdnAdmin />;
}
