// GET /api/v1/files/{id}/versions — every version; POST — upload a new version (multipart/form-data, streamed to S3)
import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/with-api";
import { fileIdSchema } from "@/lib/files/schemas";
import { uploadVersionFromMultipartRequest } from "@/lib/files/version-upload";
import { listFileVersions } from "@/lib/files/versions";

export const GET = withApi<{ id: string }>(
  async ({ ctx, params }) => listFileVersions(ctx, fileIdSchema.parse(params.id)),
  { permission: "files.read" },
);

export const POST = withApi<{ id: string }>(
  async ({ req, ctx, params }) =>
    NextResponse.json(await uploadVersionFromMultipartRequest(ctx, { fileId: fileIdSchema.parse(params.id), req }), { status: 201 }),
  { permission: "files.write", rateLimit: "upload" },
);
