import "server-only";
import type { NextRequest } from "next/server";
import { ZodError, z } from "zod";
import { actorHas, actorId, type Actor, type ServiceContext } from "@/lib/auth/actor";
import { enforceRateLimits } from "@/lib/rate-limit/limits";
import type { Permission } from "@/lib/auth/permissions";
import { logger } from "@/lib/log";
import { ApiError, errorBody, forbidden, unauthorized, unsupportedMediaType } from "./errors";
import { parseClientJson } from "./json";
import { jsonResponse } from "./json-response";
import { observeRequest, routeTemplate } from "./observe";
import { requestInfo } from "./request-info";
import { resolveActor } from "./resolve-actor";
import { assertSameOriginForCookieWrite } from "./same-origin";

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (args: { req: NextRequest; ctx: ServiceContext & { actor: Actor }; params: P }) => Promise<Response | unknown>;

/**
 * Every API route goes through here: resolve the actor (Bearer API key or session cookie), refuse
 * cross-site writes made with the cookie, check the permission, run the handler, and turn any thrown
 * error into the one error envelope.
 */
export function withApi<P = Record<string, never>>(
  handler: Handler<P>,
  opts: { permission?: Permission; rateLimit?: "api" | "upload" } = {},
) {
  return async (req: NextRequest, route: RouteContext<P>): Promise<Response> => {
    const info = requestInfo(req);
    const params = await route.params;
    const template = routeTemplate(req.nextUrl.pathname, params as Record<string, string | string[]>);
    return observeRequest(req, template, info, async () => {
      try {
        const actor = await resolveActor(req.headers, info);
        if (!actor) throw unauthorized();
        if (actor.type === "user") assertSameOriginForCookieWrite(req.method, req.headers);
        // Per actor, so one busy camera or user never slows down another; per address as a ceiling. All of
        // a request's counters are taken in one statement.
        const id = `actor:${actorId(actor)}`;
        await enforceRateLimits([["api", id], ["api", info.ip && `ip:${info.ip}`], ...(opts.rateLimit === "upload" ? [["upload", id] as const] : [])]);
        if (opts.permission && !actorHas(actor, opts.permission)) throw forbidden();
        const result = await handler({ req, ctx: { actor, request: info }, params });
        return result instanceof Response ? result : jsonResponse(result);
      } catch (err) {
        return errorResponse(err, info.requestId);
      }
    });
  };
}

/** The status and envelope for any thrown error; unexpected ones are logged and hidden from the caller. */
export function describeError(err: unknown, requestId: string) {
  if (err instanceof ApiError) return { status: err.status, body: errorBody(err.code, err.message, requestId), headers: err.headers };
  if (err instanceof ZodError) return { status: 400, body: errorBody("validation_failed", z.prettifyError(err), requestId), headers: {} };
  logger.error({ err, requestId }, "unhandled API error");
  return { status: 500, body: errorBody("internal_error", `Something went wrong (request ${requestId}).`, requestId), headers: {} };
}

export function errorResponse(err: unknown, requestId: string): Response {
  const { status, body, headers } = describeError(err, requestId);
  return jsonResponse(body, { status, headers });
}

const JSON_LIMIT_BYTES = 1024 * 1024;
/** How much of an oversized JSON body is read and discarded before the connection is cut. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;
const DRAIN_DEADLINE_MS = 2000;


/**
 * Reads a JSON body of at most 1 MiB, counting bytes as they arrive and stopping at the limit, so a huge
 * body costs no more memory than the limit. Only `application/json` is read: a form or `text/plain` body
 * (what a cross-site page can send without asking) is refused. Malformed JSON is the client's mistake,
 * not a 500.
 */
export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw unsupportedMediaType("Send the body as Content-Type: application/json.");
  const tooLarge = (drained: boolean) =>
    // An undrained body leaves the connection unable to carry another request: say so.
    new ApiError(413, "payload_too_large", "JSON body is larger than 1 MiB.", drained ? {} : { Connection: "close" });
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > DRAIN_LIMIT_BYTES) throw tooLarge(false);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    let drainUntil = 0;
    for (;;) {
      // Past the limit nothing is kept. A moderately oversized body is read to its end and thrown away,
      // so the client, still sending, gets the 413 rather than a reset connection; a larger or stalled one
      // is cut off.
      const next = drainUntil ? await readBefore(reader, drainUntil) : await reader.read();
      if (next?.done) break;
      if (!next || size + next.value.byteLength > DRAIN_LIMIT_BYTES) {
        // Not awaited: cancelling a stalled body can wait for the read the client never completes.
        void reader.cancel().catch(() => {});
        throw tooLarge(false);
      }
      size += next.value.byteLength;
      if (size <= JSON_LIMIT_BYTES) chunks.push(next.value);
      else drainUntil ||= Date.now() + DRAIN_DEADLINE_MS;
    }
  }
  if (size > JSON_LIMIT_BYTES) throw tooLarge(true);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid UTF-8.");
  }
  return parseClientJson(text);
}

/** The next chunk, or null once `deadline` (epoch ms) passes first; the timer never outlives the read. */
async function readBefore(reader: ReadableStreamDefaultReader<Uint8Array>, deadline: number) {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([reader.read(), expired]);
  } finally {
    clearTimeout(timer);
  }
}
