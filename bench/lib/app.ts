// The app under test: a production build (`next build`, reused while fresh) served by `node server.mjs`,
// its workflow events passing through a gate that can hold them, so a scenario measures uploads with
// processing deferred without any bench-only switch in the product.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { httpAnswers, waitUntil } from "../../scripts/stack/proc";

export const root = path.resolve(import.meta.dirname, "../..");

/** Newest modification time under the folders and files a build depends on. */
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (p: string) => {
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const entry of readdirSync(p)) if (!["node_modules", ".next", ".data", ".test-data", "results"].includes(entry)) walk(path.join(p, entry));
    } else if (/\.(tsx?|mjs|cjs|js|css|json|sql)$/.test(p)) newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ["app", "components", "lib", "db", "inngest", "public", "proxy.ts", "instrumentation.ts", "instrumentation-node.ts", "next.config.ts", "server.mjs", "package.json"]) {
    const full = path.join(root, p);
    if (existsSync(full)) walk(full);
  }
  return newest;
}

/** Runs `next build` unless FRAMEVAULT_SKIP_BUILD is set or .next is newer than every source file. */
export async function ensureBuild(log: (line: string) => void): Promise<void> {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (process.env.FRAMEVAULT_SKIP_BUILD) {
    if (!existsSync(buildId)) throw new Error("FRAMEVAULT_SKIP_BUILD is set but there is no .next build");
    return log("reusing .next (FRAMEVAULT_SKIP_BUILD)");
  }
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSourceMtime()) return log("reusing .next (newer than every source file)");
  log("building the app (next build)…");
  const code = await new Promise<number>((resolve) => {
    const child = spawn(path.join(root, "node_modules/.bin/next"), ["build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    child.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  if (code !== 0) throw new Error("next build failed");
}

export interface EventGate {
  url: string;
  /** Hold: events are acknowledged as the event API does and kept; pass: they go on to the runner. */
  hold(): void;
  pass(): void;
  /** Sends every held event on to the runner and returns how many there were. */
  release(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Stands between the app (its INNGEST_BASE_URL) and the local runner: every request is forwarded, except
 * that while held, `POST /e/:key` (the app sending events) is answered here and kept for later.
 */
export async function startEventGate(runnerUrl: string): Promise<EventGate> {
  let holding = false;
  let held: { path: string; body: Buffer; events: number }[] = [];
  const forward = (p: string, method: string, headers: Record<string, string>, body?: Buffer) =>
    fetch(new URL(p, runnerUrl), { method, headers, body: body && body.length ? new Uint8Array(body) : undefined });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? "/";
    try {
      if (holding && req.method === "POST" && /^\/e\/[^/?]+/.test(url)) {
        const parsed = JSON.parse(body.toString("utf8"));
        const events = Array.isArray(parsed) ? parsed.length : 1;
        held.push({ path: url, body, events });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ids: Array.from({ length: events }, (_, i) => `held-${held.length}-${i}`), status: 200 }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !["host", "content-length", "connection"].includes(k)) headers[k] = v;
      const answer = await forward(url, req.method ?? "GET", headers, body);
      const out = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(out);
    } catch (err) {
      res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: (err as Error).message, status: 502 }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold: () => void (holding = true),
    pass: () => void (holding = false),
    async release() {
      const batch = held;
      held = [];
      let n = 0;
      for (const h of batch) {
        await forward(h.path, "POST", { "content-type": "application/json" }, h.body);
        n += h.events;
      }
      return n;
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export interface RunningApp {
  process: ChildProcess;
  logPath: string;
  stop(): Promise<void>;
}

export async function startApp(opts: { port: number; env: Record<string, string>; logPath: string; profileDir?: string }): Promise<RunningApp> {
  // `--profile DIR`: the server writes a V8 CPU profile there when the bench stops it (open it in Chrome's
  // DevTools or speedscope).
  const profile = opts.profileDir ? ["--cpu-prof", "--cpu-prof-dir", opts.profileDir] : [];
  const app = spawn(process.execPath, [...profile, path.join(root, "server.mjs")], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...opts.env, PORT: String(opts.port), HOSTNAME: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" },
  });
  mkdirSync(path.dirname(opts.logPath), { recursive: true });
  const logFile = createWriteStream(opts.logPath);
  app.stdout?.pipe(logFile);
  app.stderr?.pipe(logFile);
  await waitUntil("the app", () => httpAnswers(`http://127.0.0.1:${opts.port}/api/health/live`), { timeoutMs: 90_000, children: [app] });
  return {
    process: app,
    logPath: opts.logPath,
    async stop() {
      if (app.exitCode !== null) return;
      app.kill("SIGTERM");
      await new Promise((r) => app.once("exit", r));
    },
  };
}
