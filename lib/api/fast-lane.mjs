// The API's fast lane: in a production build, server.mjs hands `/api/...` requests straight to the route
// handler that Next.js compiled for them, instead of through Next.js's router. The router (route resolution,
// the request and work stores, the handler wrapper) cost ~2 ms of CPU per request on the bench machine, about
// four times a route like `GET /api/health/live` itself: every request paid it before reaching our code.
//
// What the router would have done for these requests is done here, the same way:
//   - the route is found from the build's own manifest (app-paths-manifest.json), static segments before
//     dynamic ones before catch-alls, params decoded as Next.js decodes them;
//   - the headers of next.config.ts's `headers()` (from routes-manifest.json) are set on every answer, and the
//     Vary that Next.js sets on every app-directory answer;
//   - `x-forwarded-*` request headers are filled in when absent, as Next.js does;
//   - answers are compressed by the same middleware Next.js uses (`compression`, default options);
//   - the handler gets a NextRequest and `{ params: Promise<params> }`, the request's signal aborts when the
//     client goes away, and its Response is written to the socket with backpressure.
// Anything this lane does not handle exactly as Next.js would goes on to Next.js untouched: pages, server actions,
// Auth.js's routes (they read the request through next/headers), methods a route does not export (Next.js answers
// HEAD, OPTIONS and 405 itself), unusual paths (trailing or doubled slashes, dot segments, bad escapes), and every
// request in dev (`next dev` compiles routes on demand). Route handlers in this app take everything from the request
// they are given (see lib/api/with-api.ts): none reads next/headers, cookies(), after() or the fetch cache.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import compression from "compression";

/** Route prefixes left to Next.js: Auth.js reads cookies and headers through next/headers and sets cookies. */
const LEFT_TO_NEXT = ["/api/auth/"];
/** Paths the lane takes: no empty segment (doubled or trailing slash), no dot segment, a plain character set. */
const PLAIN_PATH = /^\/api(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~%!$&'()*+,;=:@]+)+$/;

/** The Vary value Next.js sets on app-directory answers (base-server's setVaryHeader). */
const NEXT_VARY = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch";

/** A segment's kind; lower sorts first, which is the order Next.js tries routes in. */
function segmentKind(segment) {
  if (/^\[\[\.\.\.[^\]]+\]\]$/.test(segment)) return { kind: 3, name: segment.slice(5, -2) };
  if (/^\[\.\.\.[^\]]+\]$/.test(segment)) return { kind: 2, name: segment.slice(4, -1) };
  if (/^\[[^\]]+\]$/.test(segment)) return { kind: 1, name: segment.slice(1, -1) };
  return { kind: 0, name: segment };
}

/** The API routes of a build, most specific first. */
export function apiRoutes(appPaths) {
  const routes = [];
  for (const [key, file] of Object.entries(appPaths)) {
    if (!key.endsWith("/route")) continue;
    // Route groups `(name)` do not appear in the URL.
    const segments = key.slice(0, -"/route".length).split("/").slice(1).filter((s) => !/^\(.*\)$/.test(s));
    const pattern = "/" + segments.join("/");
    if (!pattern.startsWith("/api/") || LEFT_TO_NEXT.some((prefix) => (pattern + "/").startsWith(prefix))) continue;
    routes.push({ pattern, file, segments: segments.map(segmentKind) });
  }
  const rank = (route) => route.segments.map((s) => s.kind);
  routes.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < Math.min(ra.length, rb.length); i += 1) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return rb.length - ra.length;
  });
  return routes;
}

/** The route and its params for a pathname, or null. Throws URIError on a bad escape (left to Next.js). */
export function matchRoute(routes, pathname) {
  const parts = pathname.split("/").slice(1);
  outer: for (const route of routes) {
    const params = {};
    for (let i = 0; i < route.segments.length; i += 1) {
      const { kind, name } = route.segments[i];
      if (kind >= 2) {
        const rest = parts.slice(i);
        if (rest.length === 0 && kind === 2) continue outer;
        if (rest.length > 0) params[name] = rest.map(decodeURIComponent);
        return { route, params };
      }
      if (i >= parts.length) continue outer;
      if (kind === 0 && parts[i] !== name) continue outer;
      if (kind === 1) params[name] = decodeURIComponent(parts[i]);
    }
    if (parts.length === route.segments.length) return { route, params };
  }
  return null;
}

/**
 * The fast lane for a production build in `dir` (call after `app.prepare()`), or null when there is none to serve from (dev, no build).
 * `handle(req, res)` returns false for a request it leaves to Next.js, and otherwise answers it; `fallback(req, res)`
 * is Next.js's handler, for the few requests the lane can only leave to it once it has started on them.
 */
export async function createFastLane({ dir, port, log, fallback }) {
  // Loaded only now, after Next.js has prepared: next/server needs the AsyncLocalStorage global it installs.
  const { NextRequest } = await import("next/server.js");
  const require = createRequire(path.join(dir, "package.json"));
  let appPaths;
  let routesManifest;
  try {
    appPaths = JSON.parse(readFileSync(path.join(dir, ".next", "server", "app-paths-manifest.json"), "utf8"));
    routesManifest = JSON.parse(readFileSync(path.join(dir, ".next", "routes-manifest.json"), "utf8"));
  } catch (err) {
    log.warn({ err: String(err) }, "API fast lane off: no production build manifests; every request goes through Next.js");
    return null;
  }
  // Only plain header rules are reproduced; anything conditional, or a rewrite or redirect the app defines, and the
  // lane stays off rather than answer differently from Next.js.
  const headerRules = routesManifest.headers ?? [];
  const userRedirects = (routesManifest.redirects ?? []).filter((r) => !r.internal);
  const rewrites = routesManifest.rewrites ?? {};
  const rewriteCount = Array.isArray(rewrites) ? rewrites.length : (rewrites.beforeFiles?.length ?? 0) + (rewrites.afterFiles?.length ?? 0) + (rewrites.fallback?.length ?? 0);
  if (headerRules.some((r) => r.has || r.missing) || userRedirects.length > 0 || rewriteCount > 0 || routesManifest.basePath || routesManifest.i18n) {
    log.warn("API fast lane off: next.config has conditional headers, redirects, rewrites, a basePath or i18n");
    return null;
  }
  const rules = headerRules.map((r) => ({ regex: new RegExp(r.regex), headers: r.headers }));
  const routes = apiRoutes(appPaths);
  const compress = compression();
  /**
   * Route file → its compiled module's handlers (the same module instances Next.js uses), loaded once, and the
   * methods it exports once known.
   */
  const modules = new Map();
  const moduleOf = (file) => {
    let entry = modules.get(file);
    if (!entry) {
      entry = { methods: undefined, handlers: undefined };
      entry.handlers = (async () => {
        const routeModule = require(path.join(dir, ".next", "server", file)).routeModule;
        if (typeof routeModule?.ensureUserland === "function") await routeModule.ensureUserland();
        const userland = routeModule?.userland;
        if (!userland || typeof userland !== "object") throw new Error(`no route handlers in ${file}`);
        entry.methods = new Set(Object.keys(userland).filter((m) => /^[A-Z]+$/.test(m) && typeof userland[m] === "function"));
        return userland;
      })();
      modules.set(file, entry);
    }
    return entry;
  };
  let served = 0;

  return {
    /** How many requests the lane has answered (for the test that proves it is in use). */
    get served() {
      return served;
    },
    handle(req, res) {
      const url = req.url ?? "";
      if (!url.startsWith("/api/")) return false;
      const q = url.indexOf("?");
      const pathname = q === -1 ? url : url.slice(0, q);
      if (!PLAIN_PATH.test(pathname)) return false;
      let match;
      try {
        match = matchRoute(routes, pathname);
      } catch {
        return false;
      }
      if (!match) return false;
      const method = (req.method ?? "GET").toUpperCase();
      const host = req.headers.host;
      if (!host || /[\s/\\?#@]/.test(host)) return false;
      // A route whose module is loaded and does not export this method: Next.js's own HEAD/OPTIONS/405 answer.
      if (modules.get(match.route.file)?.methods?.has(method) === false) return false;
      serve(req, res, match, method, pathname, host).catch((err) => {
        // Nothing may escape as an unhandled rejection (it would end the process): log it and answer 500.
        log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), route: match.route.pattern }, "API fast lane: request failed");
        writeError(res);
      });
      return true;
    },
  };

  async function serve(req, res, match, method, pathname, host) {
    let userland;
    try {
      userland = await moduleOf(match.route.file).handlers;
    } catch (err) {
      log.error({ err: String(err), route: match.route.pattern }, "API fast lane: route module failed to load");
      return writeError(res);
    }
    const handler = userland[method];
    // The first request to this route, for a method it does not export: Next.js answers (HEAD/OPTIONS/405).
    if (typeof handler !== "function") return fallback(req, res);
    served += 1;
    // Next.js fills these in for the handler when the client (or a proxy) did not send them.
    const encrypted = Boolean(req.socket && req.socket.encrypted);
    req.headers["x-forwarded-host"] ??= host;
    req.headers["x-forwarded-port"] ??= String(port);
    req.headers["x-forwarded-proto"] ??= encrypted ? "https" : "http";
    req.headers["x-forwarded-for"] ??= req.socket?.remoteAddress;
    for (const rule of rules) {
      if (rule.regex.test(pathname)) for (const { key, value } of rule.headers) res.setHeader(key, value);
    }
    // Next.js names its client router's headers in Vary on every app-directory answer, route handlers included.
    res.appendHeader("vary", NEXT_VARY);
    compress(req, res, () => {});
    const abort = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    }
    const hasBody = method !== "GET" && method !== "HEAD";
    let request;
    try {
      request = new NextRequest(`${encrypted ? "https" : "http"}://${host}${req.url}`, {
        method,
        headers,
        signal: abort.signal,
        ...(hasBody ? { body: requestBody(req, res), duplex: "half" } : {}),
      });
    } catch {
      // The request already has the lane's headers and body reader, so it cannot go on to Next.js now; Next.js
      // would have failed to build the same request.
      return writeError(res, 400, "bad_request", "The HTTP request is malformed.");
    }
    let response;
    try {
      response = await handler(request, { params: Promise.resolve(match.params) });
    } catch (err) {
      log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err), route: match.route.pattern }, "API fast lane: unhandled error in a route handler");
      return writeError(res);
    }
    if (!(response instanceof Response)) {
      log.error({ route: match.route.pattern }, "API fast lane: the route handler returned no Response");
      return writeError(res);
    }
    await writeResponse(res, response, method);
  }
}

/**
 * The request body as a web stream, read from the socket as the handler pulls it (paused while nobody reads).
 * Once the answer is sent, whatever the handler left unread (a refused body, a form's epilogue) is read and
 * dropped, as Node.js does for a request nobody consumed: a request left paused would stall its kept-alive
 * connection, and the client's next request on it would never be read.
 */
function requestBody(req, res) {
  let finished = false;
  res.once("finish", () => {
    finished = true;
    req.resume();
  });
  return new ReadableStream(
    {
      start(controller) {
        req.on("data", (chunk) => {
          if (finished) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) req.pause();
        });
        req.once("end", () => {
          if (finished) return;
          finished = true;
          controller.close();
        });
        req.once("error", (err) => {
          if (finished) return;
          finished = true;
          controller.error(err);
        });
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel() {
        // The handler stopped reading (a refused or oversized body): the rest is read and dropped, as Next.js does.
        finished = true;
        req.resume();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

/** Writes a route's Response to the socket: status, headers (each Set-Cookie its own), the body with backpressure. */
async function writeResponse(res, response, method) {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name === "set-cookie") continue;
    res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const body = response.body;
  if (!body || method === "HEAD") {
    if (body) void body.cancel().catch(() => {});
    res.end();
    return;
  }
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        void reader.cancel().catch(() => {});
        return;
      }
      if (!res.write(value)) {
        await new Promise((resolve) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            resolve();
          };
          res.on("drain", go);
          res.on("close", go);
        });
      }
    }
    res.end();
  } catch {
    // The body failed half-way (or the client went away): the client sees a cut answer, as with Next.js.
    void reader.cancel().catch(() => {});
    res.destroy();
  }
}

/** The API's error envelope, when nothing else can answer; a response already under way is cut off instead. */
function writeError(res, status = 500, code = "internal_error", message = "Something went wrong.") {
  if (res.writableEnded) return;
  if (res.headersSent) return res.destroy();
  const body = JSON.stringify({ error: { code, message } });
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}
