// GET /api/uploads/{id}/parts — the parts of a pending browser upload already in storage (to resume it)
import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { listUploadedParts } from "@/lib/files/browser-upload";

export const GET = withApi<{ id: string }>(
  async ({ ctx, params }) => listUploadedParts(ctx, z.uuid().parse(params.id)),
  { permission: "files.write", rateLimit: "upload" },
);
