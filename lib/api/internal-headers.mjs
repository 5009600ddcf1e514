// Plain JavaScript so that server.mjs, which runs without a TypeScript step, shares it with the routes.

/**
 * Next.js drops the Content-Length of route-handler responses; a route sends the length in this
 * header instead, and server.mjs turns it back into Content-Length.
 */
export const CONTENT_LENGTH_HEADER = "x-framevault-content-length";
