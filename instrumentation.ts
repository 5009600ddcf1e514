// Runs once when the server process starts (Next.js calls register() from app.prepare(), before the first
// request): a production start on development secrets or credentials ends here, with one line saying
// what to set, instead of signing sessions with a key that is in the source. Then the audit sealer starts.
export async function register() {
  // NEXT_RUNTIME and NEXT_PHASE are Next.js's own markers, not configuration: `next build` also loads this
  // file, and must not need the runtime secrets.
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") return;
  const { env } = await import("./lib/env");
  try {
    env();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const { startAuditSealer } = await import("./lib/audit/sealer");
  startAuditSealer();
}
