import "server-only";
import { verifyAuditChain } from "@/lib/audit/verify";
import { env } from "@/lib/env";
import { processMap } from "@/lib/process-map";
import type { AlertRule } from "./types";

/**
 * The audit chain recomputed with the key and compared with the checkpoints in S3 (lib/audit/verify.ts). A
 * full pass reads the whole log, so it runs at most every ALERT_AUDIT_VERIFY_MINUTES per process; in between
 * the rule reports nothing new and an open alert stays open.
 */
export const auditChainInvalid: AlertRule = {
  id: "audit-chain-invalid",
  severity: "critical",
  description: "The audit chain fails verification (altered, missing, truncated or rewritten rows); checked every ALERT_AUDIT_VERIFY_MINUTES.",
  async evaluate(now) {
    const last = processMap<"verifiedAt", number>("auditChainRule", 1);
    const at = last.get("verifiedAt");
    if (at !== undefined && now.getTime() - at < env().ALERT_AUDIT_VERIFY_MINUTES * 60_000) return null;
    const result = await verifyAuditChain({ actor: { type: "system", name: "alerts" } });
    last.set("verifiedAt", now.getTime());
    if (result.valid) return [];
    return [{
      key: "chain",
      title: `Audit chain invalid: ${result.reason ?? "broken"} at position ${result.firstBrokenSeq ?? "?"}`,
      details: { reason: result.reason, firstBrokenSeq: result.firstBrokenSeq ?? null, firstBrokenId: result.firstBrokenId ?? null, checked: result.checked },
    }];
  },
};
