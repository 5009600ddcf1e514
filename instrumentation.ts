// Next.js runs register() once when a server process starts.
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself (and inlined per bundle), not configuration: lib/env.ts is not for it.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startAuditSealer } = await import("./lib/audit/sealer");
    startAuditSealer();
  }
}
