// POST /api/uploads/{id}/complete — verify the uploaded object and record the file
import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { completeUploadSession } from "@/lib/files/browser-upload";

export const POST = withApi<{ id: string }>(
  async ({ ctx, params }) => completeUploadSession(ctx, z.uuid().parse(params.id)),
  { permission: "files.write" },
);
