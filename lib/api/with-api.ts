import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { ZodError, z } from "zod";
import { actorHas, actorId, type Actor, type ServiceContext } from "@/lib/auth/actor";
import { enforceRateLimit } from "@/lib/rate-limit/limits";
import type { Permission } from "@/lib/auth/permissions";
import { logger } from "@/lib/log";
import { ApiError, errorBody, forbidden, unauthorized } from "./errors";
import { requestInfo } from "./request-info";
import { resolveActor } from "./resolve-actor";

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (args: { req: NextRequest; ctx: ServiceContext & { actor: Actor }; params: P }) => Promise<Response | unknown>;

/**
 * Every API route goes through here: resolve the actor (session cookie; API keys later), check the
 * permission, run the handler, and turn any thrown error into the one error envelope.
 */
export function withApi<P = Record<string, never>>(
  handler: Handler<P>,
  opts: { permission?: Permission; rateLimit?: "api" | "upload" } = {},
) {
  return async (req: NextRequest, route: RouteContext<P>): Promise<Response> => {
    const info = requestInfo(req);
    let response: Response;
    try {
      const actor = await resolveActor(req.headers, info);
      if (!actor) throw unauthorized();
      // Per actor, so one busy camera or user never slows down another; per address as a ceiling.
      await enforceRateLimit("api", [`actor:${actorId(actor)}`, info.ip && `ip:${info.ip}`]);
      if (opts.rateLimit === "upload") await enforceRateLimit("upload", [`actor:${actorId(actor)}`]);
      if (opts.permission && !actorHas(actor, opts.permission)) throw forbidden();
      const result = await handler({ req, ctx: { actor, request: info }, params: await route.params });
      response = result instanceof Response ? result : NextResponse.json(result);
    } catch (err) {
      response = errorResponse(err, info.requestId);
    }
    response.headers.set("x-request-id", info.requestId);
    return response;
  };
}

/** The status and envelope for any thrown error; unexpected ones are logged and hidden from the caller. */
export function describeError(err: unknown, requestId: string) {
  if (err instanceof ApiError) return { status: err.status, body: errorBody(err.code, err.message), headers: err.headers };
  if (err instanceof ZodError) return { status: 400, body: errorBody("validation_failed", z.prettifyError(err)), headers: {} };
  logger.error({ err, requestId }, "unhandled API error");
  return { status: 500, body: errorBody("internal_error", `Something went wrong (request ${requestId}).`), headers: {} };
}

export function errorResponse(err: unknown, requestId: string): Response {
  const { status, body, headers } = describeError(err, requestId);
  return NextResponse.json(body, { status, headers });
}

/** Reads a JSON body; malformed JSON is the client's mistake, not a 500. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.length > 1024 * 1024) throw new ApiError(413, "payload_too_large", "JSON body is larger than 1 MiB.");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
}
