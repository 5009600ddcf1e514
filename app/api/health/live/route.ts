// GET /api/health/live — the process answers (no database, S3 or other I/O): for restart decisions
import { jsonResponse } from "@/lib/api/json-response";
import { liveness } from "@/lib/health";

export const dynamic = "force-dynamic";

export function GET() {
  return jsonResponse(liveness(), { headers: { "Cache-Control": "no-store" } });
}
