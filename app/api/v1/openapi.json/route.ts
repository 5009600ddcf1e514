// GET /api/v1/openapi.json — the OpenAPI 3.1 document of /api/v1 (public, like any API description)
import { jsonResponse } from "@/lib/api/json-response";
import { env } from "@/lib/env";
import { buildOpenApiDocument } from "@/lib/openapi/document";

export function GET() {
  return jsonResponse(buildOpenApiDocument(env().APP_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}
