// GET /api/health/live — the process answers (no database, S3 or other I/O): for restart decisions
import type { NextRequest } from "next/server";
import { jsonResponse } from "@/lib/api/json-response";
import { observeRequest } from "@/lib/api/observe";
import { requestInfo } from "@/lib/api/request-info";
import { liveness } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  return observeRequest(req, "/api/health/live", requestInfo(req), async () => jsonResponse(liveness(), { headers: { "Cache-Control": "no-store" } }));
}
