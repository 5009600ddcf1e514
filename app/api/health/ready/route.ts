// GET /api/health/ready — database, object store, workflow engine and virus scanner (503 when one is down,
// or while the process drains after SIGTERM); anyone sees up/down and latency, admins (session or
// admin-scoped key) also hosts and error text
import { jsonResponse } from "@/lib/api/json-response";
import type { NextRequest } from "next/server";
import { isDraining } from "@/lib/api/drain.mjs";
import { observeRequest } from "@/lib/api/observe";
import { errorResponse } from "@/lib/api/with-api";
import { requestInfo } from "@/lib/api/request-info";
import { resolveActor } from "@/lib/api/resolve-actor";
import { actorHas } from "@/lib/auth/actor";
import { checkReadiness, enforceHealthRateLimit, publicReadiness, READY_CACHE_MS } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest) {
  const info = requestInfo(req);
  return observeRequest(req, "/api/health/ready", info, async () => {
    // Draining: not ready whatever the dependencies say, and without asking them.
    if (isDraining()) return jsonResponse({ status: "draining" }, { status: 503, headers: { "Cache-Control": "no-store" } });
    try {
      await enforceHealthRateLimit(info.ip);
    } catch (err) {
      return errorResponse(err, info.requestId);
    }
    const readiness = await checkReadiness();
    // An unknown key or a database that is down makes the caller anonymous here, never an error.
    const actor = await resolveActor(req.headers, info).catch(() => null);
    const body = actor && actorHas(actor, "jobs.manage") ? { ...readiness, cacheSeconds: READY_CACHE_MS / 1000 } : publicReadiness(readiness);
    return jsonResponse(body, { status: readiness.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
  });
}
