import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { authenticateApiKey } from "@/lib/api-keys/authenticate";
import { auth } from "@/lib/auth";
import type { Actor, RequestInfo } from "@/lib/auth/actor";

/**
 * A Bearer API key when one is sent, otherwise the signed-in user, re-read from the database so role
 * changes and disabled accounts apply at once.
 */
export async function resolveActor(headers: Headers, info: RequestInfo): Promise<Actor | null> {
  const authorization = headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) return authenticateApiKey(authorization.slice(7).trim(), info);
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  const [user] = await getDb()
    .select({ id: users.id, role: users.role, email: users.email })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return user ? { type: "user", userId: user.id, role: user.role, email: user.email } : null;
}
