// POST /api/uploads/sign — presign one S3 request of a browser upload (Uppy's signRequest)
import { readJson, withApi } from "@/lib/api/with-api";
import { signUploadRequest } from "@/lib/files/browser-upload";
import { signUploadRequestSchema } from "@/lib/files/schemas";

export const POST = withApi(
  async ({ req, ctx }) => signUploadRequest(ctx, signUploadRequestSchema.parse(await readJson(req))),
  { permission: "files.write", rateLimit: "upload" },
);
