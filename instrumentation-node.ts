// The Node.js half of instrumentation.ts: a production start on development secrets or credentials ends
// here, with one line saying what to set, instead of signing sessions with a key that is in the source.
// Then the audit sealer starts.
export async function registerNodeServer() {
  // NEXT_PHASE is Next.js's own marker: `next build` also loads this file and must not need the runtime secrets.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { env } = await import("./lib/env");
  const { trustedProxies } = await import("./lib/api/request-info");
  try {
    env();
    trustedProxies();
  } catch (err) {
    // A plain line, not JSON: the one thing an operator must read before the app (and its logger) exists.
    console.error((err as Error).message);
    process.exit(1);
  }
  const { startAuditSealer } = await import("./lib/audit/sealer");
  startAuditSealer();
}
