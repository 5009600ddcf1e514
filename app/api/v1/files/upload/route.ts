// POST /api/v1/files/upload — multipart/form-data upload, streamed to S3
import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/with-api";
import { uploadFromMultipartRequest } from "@/lib/files/api-upload";

export const POST = withApi(
  async ({ req, ctx }) => NextResponse.json(await uploadFromMultipartRequest(ctx, req), { status: 201 }),
  { permission: "files.write", rateLimit: "upload" },
);
