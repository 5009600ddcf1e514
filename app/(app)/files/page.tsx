import type { Metadata } from "next";
import { Suspense } from "react";
import { FileBrowser } from "@/components/files/file-browser";

export const metadata: Metadata = { title: "Files" };

export default function FilesPage() {
  return (
    <Suspense>
      <FileBrowser />
    </Suspense>
  );
}
