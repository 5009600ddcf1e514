// POST /api/uploads — start a browser upload: validate it and reserve its object key
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { createUploadSession } from "@/lib/files/browser-upload";
import { createUploadSchema } from "@/lib/files/schemas";

export const POST = withApi(
  async ({ req, ctx }) => jsonResponse(await createUploadSession(ctx, createUploadSchema.parse(await readJson(req))), { status: 201 }),
  { permission: "files.write", rateLimit: "upload" },
);
