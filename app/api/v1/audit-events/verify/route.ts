// GET /api/v1/audit-events/verify — recompute the hash chain: { valid, checked, firstBrokenId? }
import { withApi } from "@/lib/api/with-api";
import { verifyAuditChain } from "@/lib/audit/verify";

export const GET = withApi(async () => verifyAuditChain(), { permission: "audit.read" });
