import type { Metadata } from "next";
import { FileDetailView } from "@/components/files/file-detail";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "File" };

export default async function FilePage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("files.read");
  const { id } = await params;
  return <FileDetailView id={id} />;
}
