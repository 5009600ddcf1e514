import "server-only";
import { redirect } from "next/navigation";
import type { User } from "@/db/schema";
import { roleHas, type Permission } from "./permissions";
import { sessionUser } from "./session-user";

/** For server components: the signed-in, enabled user whose session is still current, or a redirect to sign-in. */
export async function requireUser(): Promise<User> {
  const user = await sessionUser();
  if (!user) redirect("/sign-in");
  return user;
}

export async function requirePermission(permission: Permission): Promise<User> {
  const user = await requireUser();
  if (!roleHas(user.role, permission)) redirect("/");
  return user;
}
