import type { Metadata } from "next";
import { JobsAdmin } from "@/components/admin/jobs-admin";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  // The admin layout checks users.manage; background work has its own permission.
  await requirePermission("jobs.manage");
  return <JobsAdmin />;
}
