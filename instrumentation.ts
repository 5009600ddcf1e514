// Next.js calls register() once when a server process starts. Everything it does needs Node.js, and sits in
// instrumentation-node.ts behind this exact check: the bundler drops that import from the edge build only
// when it stands inside `if (process.env.NEXT_RUNTIME === "nodejs")` (NEXT_RUNTIME is Next.js's own marker).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { registerNodeServer } = await import("./instrumentation-node");
    await registerNodeServer();
  }
}
