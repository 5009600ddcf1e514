import "server-only";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { sealAuditEvents } from "./seal";

const SEALER_CTX = { actor: { type: "system" as const, name: "audit-sealer" } };
const globalForSealer = globalThis as unknown as { framevaultAuditSealer?: boolean };

/**
 * Seals new audit events every AUDIT_SEAL_INTERVAL_MS in this process, one tick after the other.
 * Several instances may run it: the sealer's advisory lock lets one work and the others skip.
 * The Inngest cron `seal-audit-chain` is the backstop when no app process is up to do it.
 */
export function startAuditSealer(): void {
  if (globalForSealer.framevaultAuditSealer) return;
  globalForSealer.framevaultAuditSealer = true;
  const interval = env().AUDIT_SEAL_INTERVAL_MS;
  const tick = async () => {
    try {
      await sealAuditEvents(SEALER_CTX);
    } catch (err) {
      logger.warn({ err }, "audit sealing failed; retrying on the next tick");
    }
    setTimeout(tick, interval).unref();
  };
  setTimeout(tick, interval).unref();
}
