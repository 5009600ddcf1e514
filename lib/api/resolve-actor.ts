import "server-only";
import { authenticateApiKey } from "@/lib/api-keys/authenticate";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { sessionUser } from "@/lib/auth/session-user";

/**
 * A Bearer API key when one is sent, otherwise the signed-in user, re-read from the database so role
 * changes, disabled accounts and ended sessions apply at once.
 */
export async function resolveActor(headers: Headers, info: RequestInfo): Promise<Actor | null> {
  const authorization = headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) return authenticateApiKey(authorization.slice(7).trim(), info);
  const user = await sessionUser(headers);
  return user ? { type: "user", userId: user.id, role: user.role, email: user.email } : null;
}
