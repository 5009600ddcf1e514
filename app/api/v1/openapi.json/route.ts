// GET /api/v1/openapi.json — the OpenAPI 3.1 document of /api/v1 (public, like any API description)
import type { NextRequest } from "next/server";
import { jsonResponse } from "@/lib/api/json-response";
import { observeRequest } from "@/lib/api/observe";
import { requestInfo } from "@/lib/api/request-info";
import { env } from "@/lib/env";
import { buildOpenApiDocument } from "@/lib/openapi/document";

export async function GET(req: NextRequest) {
  return observeRequest(req, "/api/v1/openapi.json", requestInfo(req), async () =>
    jsonResponse(buildOpenApiDocument(env().APP_URL), { headers: { "Cache-Control": "public, max-age=300" } }),
  );
}
