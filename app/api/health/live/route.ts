// GET /api/health/live — the process answers (no database, S3 or other I/O): for restart decisions
import { NextResponse } from "next/server";
import { liveness } from "@/lib/health";

export const dynamic = "force-dynamic";

export function GET() {
  return NextResponse.json(liveness(), { headers: { "Cache-Control": "no-store" } });
}
