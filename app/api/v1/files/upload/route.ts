// POST /api/v1/files/upload — multipart/form-data upload, streamed to S3
import { jsonResponse } from "@/lib/api/json-response";
import { withApi } from "@/lib/api/with-api";
import { uploadFromMultipartRequest } from "@/lib/files/api-upload";

export const POST = withApi(
  async ({ req, ctx }) => jsonResponse(await uploadFromMultipartRequest(ctx, req), { status: 201 }),
  { permission: "files.write", rateLimit: "upload" },
);
