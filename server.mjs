// Serves the Next.js app. A thin custom server exists for one reason: Next.js drops the
// Content-Length of route-handler responses, and downloads need it (progress bars, resumable
// clients). The download route sends the length in an internal header; it is restored here.
import { createServer } from "node:http";
import next from "next";
import { CONTENT_LENGTH_HEADER } from "./lib/api/content-length.mjs";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? (dev ? "localhost" : "0.0.0.0");

// Dev uses webpack, which watches only the module graph: Turbopack watches the whole project folder, and the
// local Postgres and Ceph writing into .data/ made it recompile and reload the browser in a loop.
const app = next({ dev, dir: import.meta.dirname, hostname, port, webpack: dev });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) =>
    name.toLowerCase() === CONTENT_LENGTH_HEADER ? setHeader("content-length", value) : setHeader(name, value);
  void handle(req, res);
});
// Without this, dev mode's hot-reload socket cannot connect and the browser reloads in a loop.
const upgrade = app.getUpgradeHandler();
server.on("upgrade", (req, socket, head) => void upgrade(req, socket, head));
server.listen(port, hostname, () => {
  console.log(`> Framevault ${dev ? "(dev) " : ""}listening on http://${hostname}:${port}`);
});
