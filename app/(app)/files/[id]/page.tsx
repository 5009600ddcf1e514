import type { Metadata } from "next";
import { FileDetailView } from "@/components/files/file-detail";
import { requirePermission } from "@/lib/auth/current-user";
import { roleHas } from "@/lib/auth/permissions";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "File" };

export default async function FilePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePermission("files.read");
  const { id } = await params;
  const e = env();
  return (
    <FileDetailView
      id={id}
      canWrite={roleHas(user.role, "files.write")}
      limits={{
        maxFileBytes: e.MAX_UPLOAD_BYTES,
        multipartThresholdBytes: e.MULTIPART_THRESHOLD_BYTES,
        partBytes: e.MULTIPART_PART_BYTES,
        allowedTypes: e.ALLOWED_MIME_TYPES,
      }}
    />
  );
}
