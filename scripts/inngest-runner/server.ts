import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpReply {
  status: number;
  body: unknown;
}

/** The Inngest endpoints the SDK calls in dev mode, as far as this runner implements them. */
export interface RunnerRoutes {
  /** `POST /e/:eventKey` — `inngest.send` and `step.sendEvent`. */
  sendEvents(body: unknown): HttpReply;
  /** `POST /fn/register` — the SDK's answer to a sync. */
  register(body: unknown): HttpReply;
  /** `GET /health` — for the app's health check and scripts waiting on the runner. */
  health(): HttpReply;
  /** `GET /runs` — recent runs, for debugging (the dev server shows them in its UI instead). */
  runs(): HttpReply;
}

export interface RunnerServer {
  url: string;
  close(): Promise<void>;
}

export async function listen(port: number, routes: RunnerRoutes, log: (line: string) => void): Promise<RunnerServer> {
  const server = createServer(async (req, res) => {
    let reply: HttpReply;
    try {
      reply = await route(req, routes, log);
    } catch (err) {
      const status = err instanceof SyntaxError ? 400 : 500;
      reply = { status, body: { error: err instanceof Error ? err.message : String(err), status } };
    }
    res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(req: IncomingMessage, routes: RunnerRoutes, log: (line: string) => void): Promise<HttpReply> {
  const { pathname } = new URL(req.url ?? "/", "http://runner");
  if (req.method === "POST" && /^\/e\/[^/]+$/.test(pathname)) return routes.sendEvents(await readJson(req));
  if (req.method === "POST" && pathname === "/fn/register") return routes.register(await readJson(req));
  if (req.method === "GET" && pathname === "/health") return routes.health();
  if (req.method === "GET" && pathname === "/runs") return routes.runs();
  // Makes SDK calls this runner does not serve yet (checkpoint, realtime, signals…) visible in the log.
  log(`not implemented: ${req.method} ${pathname}`);
  return { status: 404, body: { error: `the local Inngest runner does not implement ${req.method} ${pathname}`, status: 404 } };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}
