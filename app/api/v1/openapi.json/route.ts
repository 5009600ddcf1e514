// GET /api/v1/openapi.json — the OpenAPI 3.1 document of /api/v1 (public, like any API description)
import { NextResponse } from "next/server";
import { env } from "@/lib/env";
import { buildOpenApiDocument } from "@/lib/openapi/document";

export function GET() {
  return NextResponse.json(buildOpenApiDocument(env().APP_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}
