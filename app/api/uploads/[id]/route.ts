// DELETE /api/uploads/{id} — cancel a browser upload and discard its bytes
import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { abortUploadSession } from "@/lib/files/browser-upload";

export const DELETE = withApi<{ id: string }>(
  async ({ ctx, params }) => {
    await abortUploadSession(ctx, z.uuid().parse(params.id));
    return new Response(null, { status: 204 });
  },
  { permission: "files.write" },
);
