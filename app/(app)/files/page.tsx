import type { Metadata } from "next";
import { Suspense } from "react";
import { FileBrowser } from "@/components/files/file-browser";
import { requirePermission } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Files" };

export default async function FilesPage() {
  await requirePermission("files.read");
  return (
    <Suspense>
      <FileBrowser />
    </Suspense>
  );
}
