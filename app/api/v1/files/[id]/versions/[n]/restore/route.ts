// POST /api/v1/files/{id}/versions/{n}/restore — make version n current again (a new version, same content)
import { NextResponse } from "next/server";
import { withApi } from "@/lib/api/with-api";
import { fileIdSchema, versionNumberSchema } from "@/lib/files/schemas";
import { restoreVersion } from "@/lib/files/versions";

export const POST = withApi<{ id: string; n: string }>(
  async ({ ctx, params }) =>
    NextResponse.json(await restoreVersion(ctx, { fileId: fileIdSchema.parse(params.id), version: versionNumberSchema.parse(params.n) }), { status: 201 }),
  { permission: "files.write" },
);
