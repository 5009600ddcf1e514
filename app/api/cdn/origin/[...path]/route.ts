// GET /api/cdn/origin/media/… — the CDN edge's origin (internal): only the edge, proven by its shared secret
import type { NextRequest } from "next/server";
import { isEdgeRequest, serveEdgeOrigin } from "@/lib/cdn/origin";
import { logger } from "@/lib/log";

export async function GET(req: NextRequest, { params }: { params: Promise<{ path: string[] }> }): Promise<Response> {
  // Anyone else is told nothing exists here.
  if (!isEdgeRequest(req.headers)) return new Response(null, { status: 404, headers: { "Cache-Control": "no-store" } });
  const { path } = await params;
  try {
    return await serveEdgeOrigin(`/${path.join("/")}`);
  } catch (err) {
    logger.error({ err }, "CDN origin fetch failed");
    return new Response(null, { status: 502, headers: { "Cache-Control": "no-store" } });
  }
}
