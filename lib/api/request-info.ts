import { randomUUID } from "node:crypto";
import type { RequestInfo } from "@/lib/auth/actor";

/** Client address as the nearest proxy reports it; the socket address is not exposed to route handlers. */
export function requestInfo(source: Request | Headers): RequestInfo {
  const headers = source instanceof Headers ? source : source.headers;
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || headers.get("x-real-ip") || null,
    userAgent: headers.get("user-agent"),
    requestId: headers.get("x-request-id") ?? randomUUID(),
  };
}
