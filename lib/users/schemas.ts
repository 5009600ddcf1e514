import { z } from "zod";

export const ROLES = ["user", "admin", "system", "auditor"] as const;

export const createUserSchema = z.object({
  email: z.email().max(254).transform((e) => e.trim().toLowerCase()),
  password: z.string().min(10, "Password must be at least 10 characters.").max(1024),
  name: z.string().trim().min(1).max(120),
  role: z.enum(ROLES).default("user"),
});
export type CreateUserInput = z.output<typeof createUserSchema>;

export const updateUserSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "Nothing to update.");
export type UpdateUserInput = z.output<typeof updateUserSchema>;
