import type { Metadata } from "next";
import { RetrievalsList } from "@/components/archive/retrievals-list";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Retrievals" };

export default async function RetrievalsPage() {
  await requirePermission("files.read");
  return <RetrievalsList />;
}
