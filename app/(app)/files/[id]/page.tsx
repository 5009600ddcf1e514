import type { Metadata } from "next";
import { FileDetailView } from "@/components/files/file-detail";

export const metadata: Metadata = { title: "File" };

export default async function FilePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <FileDetailView id={id} />;
}
