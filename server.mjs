// Serves the Next.js app. A thin custom server exists for one reason: Next.js drops the
// Content-Length of route-handler responses, and downloads need it (progress bars, resumable
// clients). The download route sends the length in an internal header; it is restored here. Downloads also
// hand their S3 stream over to be piped straight to the socket (see NODE_BODY_HEADER).
import { createServer } from "node:http";
import { pipeline } from "node:stream";
import next from "next";
import { acceptNodeBodies, claimNodeBody, CONTENT_LENGTH_HEADER, NODE_BODY_HEADER, SOCKET_ADDRESS_HEADER } from "./lib/api/internal-headers.mjs";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? (dev ? "localhost" : "0.0.0.0");
// Dev answers on every interface, as `next dev` does, so the app also opens at 127.0.0.1 and the machine's
// address (next.config.ts allows those hosts to load the dev resources); HOSTNAME narrows it.
const listenHost = process.env.HOSTNAME ?? (dev ? undefined : "0.0.0.0");

// Dev uses webpack, which watches only the module graph: Turbopack watches the whole project folder, and the
// local Postgres and Ceph writing into .data/ made it recompile and reload the browser in a loop.
const app = next({ dev, dir: import.meta.dirname, hostname, port, webpack: dev });
const handle = app.getRequestHandler();
await app.prepare();

acceptNodeBodies();

const server = createServer((req, res) => {
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
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${code.replace(/_/g, " ")}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
});
// A graceful stop on SIGTERM (what a process manager or orchestrator sends): no new connections, requests in
// flight finish, idle kept-alive connections close, then the process exits (and writes a `--cpu-prof` profile);
// one still busy after 10 s is not waited for.
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 10_000).unref();
});
server.listen(port, listenHost, () => {
  console.log(`> Framevault ${dev ? "(dev) " : ""}listening on http://${hostname}:${port}${listenHost ? "" : " (every interface)"}`);
});
