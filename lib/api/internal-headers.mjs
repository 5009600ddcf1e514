// Headers that pass between server.mjs and the routes, never to or from a client. Plain JavaScript so that
// server.mjs, which runs without a TypeScript step, shares them with the routes.

/**
 * Next.js drops the Content-Length of route-handler responses; a route sends the length in this
 * header instead, and server.mjs turns it back into Content-Length.
 */
export const CONTENT_LENGTH_HEADER = "x-framevault-content-length";

/**
 * The TCP peer's address, set by server.mjs from `req.socket.remoteAddress` over any copy the client sent:
 * route handlers cannot see the socket, and a client must not be able to name it.
 */
export const SOCKET_ADDRESS_HEADER = "x-framevault-socket-address";

/**
 * A download's body as the S3 response stream itself, for server.mjs to pipe straight to the socket: a Response
 * body has to be a web stream, which Next.js then writes chunk by chunk through a WritableStream (a few promises
 * per 64 KiB). The route parks the Node stream under a token, answers with no body and this header, and server.mjs,
 * seeing the header go out, pipes the stream when Next.js ends the (empty) response.
 */
export const NODE_BODY_HEADER = "x-framevault-node-body";

const BODIES = Symbol.for("framevault.nodeBodies");
// A parked body that no response claims (the request failed after parking) is released after this.
const UNCLAIMED_MS = 30_000;
let lastToken = 0;

/** server.mjs: announce that this process pipes parked bodies. */
export function acceptNodeBodies() {
  globalThis[BODIES] ??= new Map();
}

/** Route side: parks `stream` and returns its token for NODE_BODY_HEADER, or null when no server.mjs runs in this process. */
export function parkNodeBody(stream) {
  const bodies = globalThis[BODIES];
  if (!bodies) return null;
  const token = String(++lastToken);
  bodies.set(token, stream);
  const timer = setTimeout(() => {
    if (bodies.delete(token)) stream.destroy();
  }, UNCLAIMED_MS);
  timer.unref();
  stream.once("close", () => {
    clearTimeout(timer);
    bodies.delete(token);
  });
  return token;
}

/** server.mjs: takes the parked stream for a token (once). */
export function claimNodeBody(token) {
  const bodies = globalThis[BODIES];
  const stream = bodies?.get(token);
  bodies?.delete(token);
  return stream;
}
