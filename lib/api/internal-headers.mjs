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
