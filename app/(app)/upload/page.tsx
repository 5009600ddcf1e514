import type { Metadata } from "next";
import { Uploader } from "@/components/files/uploader";
import { requirePermission } from "@/lib/auth/current-user";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Upload" };
export const dynamic = "force-dynamic";

export default async function UploadPage() {
  await requirePermission("files.write");
  const e = env();
  return (
    <Uploader
      limits={{
        maxFileBytes: e.MAX_UPLOAD_BYTES,
        multipartThresholdBytes: e.MULTIPART_THRESHOLD_BYTES,
        partBytes: e.MULTIPART_PART_BYTES,
        allowedTypes: e.ALLOWED_MIME_TYPES,
      }}
    />
  );
}
