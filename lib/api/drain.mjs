// Whether this process is draining (it got SIGTERM and finishes the requests in flight before it exits).
// Plain JavaScript on globalThis so that server.mjs, which sets it, and the readiness route, bundled by
// Next.js, share one flag.

const DRAINING = Symbol.for("framevault.draining");

/** server.mjs, on SIGTERM: from now on readiness answers 503, so load balancers stop sending new work. */
export function startDraining() {
  globalThis[DRAINING] = true;
}

export function isDraining() {
  return globalThis[DRAINING] === true;
}
