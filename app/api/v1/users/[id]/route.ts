// PATCH /api/v1/users/{id} — change a user's name, role or disabled state (admins)
import { z } from "zod";
import { readJson, withApi } from "@/lib/api/with-api";
import { updateUser } from "@/lib/users/manage";
import { updateUserSchema } from "@/lib/users/schemas";

export const PATCH = withApi<{ id: string }>(
  async ({ req, ctx, params }) => updateUser(ctx, z.uuid().parse(params.id), updateUserSchema.parse(await readJson(req))),
  { permission: "users.manage" },
);
