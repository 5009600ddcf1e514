import "server-only";
import { asc, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { forgetApiKeysOf } from "@/lib/api-keys/cache";
import { users, type User } from "@/db/schema";
import { badRequest, conflict, notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { forgetSessionAccounts, revokeSessions } from "@/lib/auth/session-user";
import type { CreateUserInput, UpdateUserInput } from "./schemas";

export function toPublicUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt.toISOString(),
  };
}
export type PublicUser = ReturnType<typeof toPublicUser>;

export async function listUsers(_ctx: ServiceContext) {
  const rows = await getDb().select().from(users).orderBy(asc(users.email));
  return { users: rows.map(toPublicUser) };
}

export async function createUser(ctx: ServiceContext, input: CreateUserInput) {
  const passwordHash = await hashPassword(input.password);
  const user = await getDb().transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, role: input.role, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning();
    if (!row) throw conflict(`A user with the email ${input.email} already exists.`);
    await recordAuditEvent({ ...ctx, tx }, { action: "user.create", details: { userId: row.id, email: row.email, role: row.role } });
    return row;
  });
  return toPublicUser(user);
}

export async function updateUser(ctx: ServiceContext, userId: string, input: UpdateUserInput) {
  if (ctx.actor.type === "user" && ctx.actor.userId === userId && (input.role && input.role !== "admin" || input.disabled)) {
    throw badRequest("You cannot remove your own admin role or disable yourself.", "self_lockout");
  }
  const user = await getDb().transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
    if (!before) throw notFound("User");
    const [row] = await tx
      .update(users)
      .set({
        name: input.name ?? before.name,
        role: input.role ?? before.role,
        disabledAt: input.disabled === undefined ? before.disabledAt : input.disabled ? (before.disabledAt ?? new Date()) : null,
        updatedAt: new Date(),
      })
      .where(eq(users.id, userId))
      .returning();
    if (input.role && input.role !== before.role) {
      await recordAuditEvent({ ...ctx, tx }, { action: "user.role_change", details: { userId, from: before.role, to: input.role } });
    }
    if (input.disabled !== undefined && input.disabled !== (before.disabledAt !== null)) {
      // Re-enabling must not bring back sessions that disabling ended.
      if (input.disabled) await revokeSessions(userId, tx);
      await recordAuditEvent({ ...ctx, tx }, { action: input.disabled ? "user.disable" : "user.enable", details: { userId } });
    }
    return row;
  });
  // The account and the owner's keys are read again here at once, and on other instances within
  // SESSION_CACHE_SECONDS and API_KEY_CACHE_SECONDS.
  forgetSessionAccounts(userId);
  forgetApiKeysOf(userId);
  return toPublicUser(user);
}
