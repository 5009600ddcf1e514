// GET /api/metrics — Prometheus text format: a scraper with `Authorization: Bearer <METRICS_TOKEN>`, or an admin
// (session or admin-scoped API key); anyone else gets 401 in the error envelope
import { timingSafeEqual } from "node:crypto";
import type { NextRequest } from "next/server";
import { unauthorized } from "@/lib/api/errors";
import { observeRequest } from "@/lib/api/observe";
import { requestInfo } from "@/lib/api/request-info";
import { resolveActor } from "@/lib/api/resolve-actor";
import { errorResponse } from "@/lib/api/with-api";
import { actorHas } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { refreshInventoryIfStale } from "@/lib/metrics/inventory";
import "@/lib/metrics/backups";
import "@/lib/metrics/features";
import "@/lib/metrics/record";
import { renderMetrics } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";

function bearerIsMetricsToken(header: string | null): boolean {
  const token = env().METRICS_TOKEN;
  const given = /^Bearer (.+)$/i.exec(header ?? "")?.[1];
  if (!token || !given) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The metrics token, else an actor who may manage the instance's background work (admins). */
async function mayReadMetrics(req: NextRequest, info: ReturnType<typeof requestInfo>): Promise<boolean> {
  if (bearerIsMetricsToken(req.headers.get("authorization"))) return true;
  const actor = await resolveActor(req.headers, info).catch(() => null);
  return actor !== null && actorHas(actor, "jobs.manage");
}

export async function GET(req: NextRequest) {
  const info = requestInfo(req);
  return observeRequest(req, "/api/metrics", info, async () => {
    if (!(await mayReadMetrics(req, info))) return errorResponse(unauthorized("Send the metrics token (Authorization: Bearer …) or sign in as an admin."), info.requestId);
    await refreshInventoryIfStale();
    const { body, contentType } = await renderMetrics();
    return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
  });
}
