// GET /api/v1/audit-events/verify — seal what waits, recompute the keyed chain and compare it with the S3 checkpoints:
// { valid, checked, unsealed, checkpoints, firstBrokenId?, firstBrokenSeq?, reason? }
import { withApi } from "@/lib/api/with-api";
import { verifyAuditChain } from "@/lib/audit/verify";

export const GET = withApi(async ({ ctx }) => verifyAuditChain(ctx), { permission: "audit.read" });
