// GET /api/v1/users — list users; POST /api/v1/users — create a user (admins)
import { jsonResponse } from "@/lib/api/json-response";
import { readJson, withApi } from "@/lib/api/with-api";
import { createUser, listUsers } from "@/lib/users/manage";
import { createUserSchema } from "@/lib/users/schemas";

export const GET = withApi(async ({ ctx }) => listUsers(ctx), { permission: "users.read" });

export const POST = withApi(
  async ({ req, ctx }) => jsonResponse(await createUser(ctx, createUserSchema.parse(await readJson(req))), { status: 201 }),
  { permission: "users.manage" },
);
