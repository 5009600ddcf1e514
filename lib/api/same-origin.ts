import { env } from "@/lib/env";
import { ApiError } from "./errors";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Cookies ride along on cross-site requests, so a change made with the session cookie must come from
 * the app's own pages: `Origin` is APP_URL's origin or the request's own host, or the browser says
 * `Sec-Fetch-Site: same-origin`. Browsers send one of them on every unsafe request; a page elsewhere
 * cannot forge either. Bearer keys are not ambient credentials and skip this.
 */
export function assertSameOriginForCookieWrite(method: string, headers: Headers): void {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return;
  if (headers.get("sec-fetch-site") === "same-origin") return;
  const origin = headers.get("origin");
  if (origin && origin !== "null") {
    if (origin === new URL(env().APP_URL).origin) return;
    try {
      if (new URL(origin).host === headers.get("host")) return;
    } catch {
      // not a URL: refused below
    }
  }
  throw new ApiError(403, "cross_origin_request", "Changes made with a session cookie must come from the app's own pages (Origin check).");
}
