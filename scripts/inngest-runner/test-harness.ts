import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import { startLocalInngestRunner, type LocalInngestRunner, type LocalInngestRunnerOptions } from "./index";

type Functions = Parameters<typeof serve>[0]["functions"];

export interface Harness {
  runner: LocalInngestRunner;
  client: Inngest;
  appUrl: string;
  logs: string[];
  /** Whether function `fnId` (without the app prefix) logged a line containing `text`. */
  logged(fnId: string, text: string): boolean;
  stop(): Promise<void>;
}

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/**
 * A real `inngest/node` serve handler on a local port, driven by a runner. The app answers 503 until
 * its handler exists, like Next.js still compiling, so the runner has to retry its start-up sync.
 */
export async function startHarness(
  define: (client: Inngest) => Functions,
  runnerOpts: Partial<LocalInngestRunnerOptions> = {},
): Promise<Harness> {
  const logs: string[] = [];
  let handler: RequestListener | undefined;
  const app = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

  const runner = await startLocalInngestRunner({ appUrl, log: (line) => logs.push(line), backoffMs: () => 10, ...runnerOpts });
  await eventually(() => logs.some((l) => l.startsWith("app not ready")), "the runner to find the app not ready");
  const client = new Inngest({ id: "runner-test", isDev: true, baseUrl: runner.url, logger: quiet });
  handler = serve({ client, functions: define(client) });
  await eventually(() => logs.some((l) => l.startsWith("synced ")), "the start-up sync");

  return {
    runner,
    client,
    appUrl,
    logs,
    logged: (fnId, text) => logs.some((l) => l.startsWith(`runner-test-${fnId} `) && l.includes(text)),
    async stop() {
      await runner.stop();
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
    },
  };
}

export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
