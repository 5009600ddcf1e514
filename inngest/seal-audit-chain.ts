import { sealAuditEvents } from "@/lib/audit/seal";
import { inngest } from "./client";

/**
 * Backstop for the app's own sealing interval: every minute, a full pass over the log seals any event
 * still outside the chain, including ones whose transaction committed long after later ids.
 */
export const sealAuditChain = inngest.createFunction(
  { id: "seal-audit-chain", name: "Seal the audit chain", retries: 0, triggers: [{ cron: "* * * * *" }] },
  async ({ step }) =>
    step.run("seal-audit-events", async () => {
      const result = await sealAuditEvents({ actor: { type: "system", name: "audit-sealer" } }, { wait: true, full: true });
      return { sealed: result.sealed, headSeq: result.head?.seq ?? 0, halted: result.halted ?? null };
    }),
);
