import "server-only";
import { headers } from "next/headers";
import { actorHas, actorId, type Actor, type ServiceContext } from "@/lib/auth/actor";
import type { Permission } from "@/lib/auth/permissions";
import { withRequestId } from "@/lib/log";
import { enforceRateLimit } from "@/lib/rate-limit/limits";
import { forbidden, unauthorized } from "./errors";
import { requestInfo } from "./request-info";
import { resolveActor } from "./resolve-actor";
import { describeError } from "./with-api";

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; requestId?: string } };

/**
 * The server-action twin of `withApi`: resolve the caller from the session, apply the rate limit,
 * check the permission, and return failures in the same `{ code, message }` shape instead of throwing.
 * Cross-site calls need no check of our own here: Next.js refuses a Server Action whose `Origin` host
 * differs from the Host (or X-Forwarded-Host) header before any action code runs (installed next 16:
 * `dist/server/app-render/action-handler.js`, "Invalid Server Actions request", with
 * `serverActions.allowedOrigins` as the only widening, which we do not set), and actions are always POST
 * with Next's own encoded body, which a cross-site form cannot produce. Auth.js's sign-in and sign-out
 * endpoints check their own CSRF token.
 */
export function withAction<A extends unknown[], T>(
  action: (ctx: ServiceContext & { actor: Actor }, ...args: A) => Promise<T>,
  opts: { permission: Permission },
) {
  return async (...args: A): Promise<ActionResult<T>> => {
    const info = requestInfo(await headers());
    // Like withApi: the action's log lines, audit rows and workflow events carry its request id.
    return withRequestId(info.requestId, async (): Promise<ActionResult<T>> => {
      try {
        const actor = await resolveActor(await headers(), info);
        if (!actor) throw unauthorized();
        await enforceRateLimit("api", [`actor:${actorId(actor)}`, info.ip && `ip:${info.ip}`]);
        if (!actorHas(actor, opts.permission)) throw forbidden();
        return { ok: true, data: await action({ actor, request: info }, ...args) };
      } catch (err) {
        return { ok: false, error: describeError(err, info.requestId).body.error };
      }
    });
  };
}
