import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { users, type User } from "@/db/schema";
import { auth } from "@/lib/auth";
import { roleHas, type Permission } from "./permissions";

/** For server components: the signed-in, enabled user, or a redirect to sign-in. */
export async function requireUser(): Promise<User> {
  const session = await auth();
  const id = session?.user?.id;
  const [user] = id ? await getDb().select().from(users).where(and(eq(users.id, id), isNull(users.disabledAt))) : [];
  if (!user) redirect("/sign-in");
  return user;
}

export async function requirePermission(permission: Permission): Promise<User> {
  const user = await requireUser();
  if (!roleHas(user.role, permission)) redirect("/");
  return user;
}
