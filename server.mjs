// Serves the Next.js app. A thin custom server exists for one reason: Next.js drops the
// Content-Length of route-handler responses, and downloads need it (progress bars, resumable
// clients). The download route sends the length in an internal header; it is restored here. Downloads also
// hand their S3 stream over to be piped straight to the socket (see NODE_BODY_HEADER).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { pipeline } from "node:stream";
import next from "next";
import { pino } from "pino";
import { isDraining, startDraining } from "./lib/api/drain.mjs";
import { createFastLane } from "./lib/api/fast-lane.mjs";
import { acceptNodeBodies, claimNodeBody, CONTENT_LENGTH_HEADER, NODE_BODY_HEADER, SOCKET_ADDRESS_HEADER } from "./lib/api/internal-headers.mjs";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? (dev ? "localhost" : "0.0.0.0");
// Dev answers on every interface, as `next dev` does, so the app also opens at 127.0.0.1 and the machine's
// address (next.config.ts allows those hosts to load the dev resources); HOSTNAME narrows it.
const listenHost = process.env.HOSTNAME ?? (dev ? undefined : "0.0.0.0");

// The same JSON lines as the app's logger (lib/log.ts), for the server's own few events.
const log = pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } });

// Dev uses webpack, which watches only the module graph: Turbopack watches the whole project folder, and the
// local Postgres and Ceph writing into .data/ made it recompile and reload the browser in a loop.
const app = next({ dev, dir: import.meta.dirname, hostname, port, webpack: dev });
const handle = app.getRequestHandler();
await app.prepare();

acceptNodeBodies();

// API requests skip Next.js's router in a production build (lib/api/fast-lane.mjs says how and why);
// API_FAST_LANE=off sends every request through Next.js (read here: this file runs outside the app's modules).
const fastLane =
  dev || process.env.API_FAST_LANE === "off" ? null : await createFastLane({ dir: import.meta.dirname, port, log, fallback: (req, res) => void handle(req, res) });
// Read by the framevault_http_fast_lane_requests metric (lib/metrics/record.ts).
globalThis[Symbol.for("framevault.fastLane")] = fastLane;

// Requests not yet answered to their last byte: a drain waits for them.
let inFlight = 0;
const server = createServer((req, res) => {
  inFlight += 1;
  // Next.js adds its own close listeners (up to the default limit of 10); ours go on top: this one, and the
  // end-of-stream listeners of the pipeline that pipes a parked download body (below). Each response is its
  // own emitter, so nothing accumulates across requests.
  res.setMaxListeners(res.getMaxListeners() + 4);
  res.once("close", () => {
    inFlight -= 1;
    if (isDraining()) exitWhenIdle();
  });
  // While draining, every answer closes its connection, so kept-alive clients move to another instance.
  if (isDraining()) res.shouldKeepAlive = false;
  // Replaces any copy the client sent, so the address cannot be forged.
  req.headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
  const setHeader = res.setHeader.bind(res);
  let nodeBody;
  res.setHeader = (name, value) => {
    const lower = name.toLowerCase();
    if (lower === CONTENT_LENGTH_HEADER) return setHeader("content-length", value);
    if (lower === NODE_BODY_HEADER) {
      nodeBody = claimNodeBody(String(value));
      return res;
    }
    return setHeader(name, value);
  };
  // Next.js ends a bodiless response with end(); a parked body is piped instead, and pipeline ends it.
  const end = res.end.bind(res);
  res.end = (...args) => {
    const body = nodeBody;
    nodeBody = undefined;
    if (!body) return end(...args);
    if (req.method === "HEAD") {
      body.destroy();
      return end(...args);
    }
    pipeline(body, res, () => {});
    return res;
  };
  if (fastLane?.handle(req, res)) return;
  void handle(req, res);
});
// Without this, dev mode's hot-reload socket cannot connect and the browser reloads in a loop.
const upgrade = app.getUpgradeHandler();
server.on("upgrade", (req, socket, head) => void upgrade(req, socket, head));
// Requests Node's HTTP parser refuses before the app sees them (an oversized URL or header block, a
// malformed request line) still get the API's one error envelope instead of a bare status line.
const PARSER_REFUSALS = {
  HPE_HEADER_OVERFLOW: [431, "headers_too_large", "The request line or headers are too large."],
  HPE_URI_TOO_LONG: [414, "uri_too_long", "The request URL is too long."],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request_timeout", "The request took too long to arrive."],
};
server.on("clientError", (err, socket) => {
  if (!socket.writable || err.code === "ECONNRESET") return socket.destroy();
  const [status, code, message] = PARSER_REFUSALS[err.code] ?? [400, "bad_request", "The HTTP request is malformed."];
  const requestId = randomUUID();
  const body = JSON.stringify({ error: { code, message, requestId } });
  log.info({ requestId, status, code }, "request refused by the HTTP parser");
  socket.end(`HTTP/1.1 ${status} ${code.replace(/_/g, " ")}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`);
});
// A graceful drain on SIGTERM (what a process manager or orchestrator sends): readiness answers 503 at once so
// the load balancer sends no new work, requests in flight (a long download) finish, and once none is left the
// server closes and the process exits (and writes a `--cpu-prof` profile). Requests that still arrive meanwhile
// are served, on connections that then close. Work still busy after SHUTDOWN_TIMEOUT_SECONDS (default 30) is
// not waited for. (Read here, not through lib/env.ts: this file runs before and outside the app's modules.)
const shutdownTimeoutMs = (Number(process.env.SHUTDOWN_TIMEOUT_SECONDS) || 30) * 1000;
let closing = false;
function exitWhenIdle() {
  if (inFlight > 0 || closing) return;
  closing = true;
  server.close(() => process.exit(0));
  server.closeIdleConnections();
}
process.once("SIGTERM", () => {
  startDraining();
  log.info({ inFlight }, "SIGTERM: draining (readiness answers 503) until the requests in flight finish");
  setTimeout(() => process.exit(0), shutdownTimeoutMs).unref();
  exitWhenIdle();
});
server.listen(port, listenHost, () => {
  const msg = `Framevault ${dev ? "(dev) " : ""}listening on http://${hostname}:${port}${listenHost ? "" : " (every interface)"}`;
  log.info({ port }, msg);
});
