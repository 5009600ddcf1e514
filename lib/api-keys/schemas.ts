import { z } from "zod";
import { API_KEY_SCOPES } from "@/lib/auth/permissions";

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).transform((s) => [...new Set(s)]),
  expiresAt: z.iso.datetime({ offset: true }).optional().refine((v) => !v || new Date(v) > new Date(), "expiresAt must be in the future"),
  cameraId: z.string().trim().min(1).max(128).optional(),
  keyPrefix: z.string().min(1).max(200).optional(),
  /** Admins may create keys for another account, e.g. a System account of a camera fleet. */
  ownerId: z.uuid().optional(),
});
export type CreateApiKeyInput = z.output<typeof createApiKeySchema>;
