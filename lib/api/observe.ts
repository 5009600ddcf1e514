import "server-only";
import type { RequestInfo } from "@/lib/auth/actor";
import { logger, withRequestId } from "@/lib/log";
import { recordHttpRequest, secondsSince } from "@/lib/metrics/record";

// What every route handler does around its work, withApi's and the few routes outside it (health,
// metrics, auth, inngest): the request id on every log line and on the response, one access log line,
// and the request's count and latency under its route template.

/** Probes and scrapes arrive every few seconds: their access lines are debug, not info. */
const QUIET_ROUTES = new Set(["/api/health", "/api/health/live", "/api/health/ready", "/api/metrics"]);

export async function observeRequest(req: Request, route: string, info: RequestInfo, run: () => Promise<Response>): Promise<Response> {
  const started = performance.now();
  return withRequestId(info.requestId, async () => {
    const response = await run();
    try {
      response.headers.set("x-request-id", info.requestId);
    } catch {
      // A response with immutable headers (a fetch() passed through) goes out without it.
    }
    const seconds = secondsSince(started);
    recordHttpRequest(route, req.method, response.status, seconds);
    const line = { method: req.method, route, status: response.status, durationMs: Math.round(seconds * 1000) };
    if (QUIET_ROUTES.has(route)) logger.debug(line, "request");
    else logger.info(line, "request");
    return response;
  });
}

/**
 * The route's template (`/api/v1/files/[id]`) from the concrete path and the params Next.js matched, so
 * the metrics never carry ids. A catch-all (`[...slug]`) takes the segments it matched.
 */
export function routeTemplate(pathname: string, params: Record<string, string | string[] | undefined> | undefined): string {
  const segments = pathname.split("/");
  const decoded = segments.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  for (const [name, value] of Object.entries(params ?? {})) {
    if (Array.isArray(value)) {
      const start = decoded.findIndex((s, i) => value.length > 0 && value.every((v, j) => decoded[i + j] === v));
      if (start >= 0) {
        segments.splice(start, value.length, `[...${name}]`);
        decoded.splice(start, value.length, `[...${name}]`);
      }
    } else if (value !== undefined) {
      const at = decoded.lastIndexOf(value);
      if (at > 0) segments[at] = decoded[at] = `[${name}]`;
    }
  }
  return segments.join("/");
}
