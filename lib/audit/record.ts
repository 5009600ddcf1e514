import "server-only";
import { auditEvents } from "@/db/schema";
import type { Tx } from "@/db/client";
import { actorId, type Actor, type RequestInfo } from "@/lib/auth/actor";

export type AuditOutcome = "success" | "failure" | "denied";

export interface AuditInput {
  action: string;
  fileId?: string | null;
  outcome?: AuditOutcome;
  details?: Record<string, unknown>;
}

/** Written inside the caller's transaction, so the change and its audit row commit or roll back together. */
export async function recordAuditEvent(
  tx: Tx,
  who: { actor: Actor | null; request?: RequestInfo },
  input: AuditInput,
): Promise<void> {
  await tx.insert(auditEvents).values({
    actorType: who.actor?.type ?? "anonymous",
    actorId: who.actor ? actorId(who.actor) : null,
    action: input.action,
    fileId: input.fileId ?? null,
    outcome: input.outcome ?? "success",
    ip: who.request?.ip ?? null,
    userAgent: who.request?.userAgent ?? null,
    details: who.actor?.type === "apiKey" ? { ...input.details, keyOwnerId: who.actor.userId } : (input.details ?? {}),
  });
}
