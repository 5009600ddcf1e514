import { randomUUID } from "node:crypto";
import type { RequestInfo } from "@/lib/auth/actor";

/** Client address as the nearest proxy reports it; the socket address is not exposed to route handlers. */
export function requestInfo(request: Request): RequestInfo {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || request.headers.get("x-real-ip") || null,
    userAgent: request.headers.get("user-agent"),
    requestId: request.headers.get("x-request-id") ?? randomUUID(),
  };
}
