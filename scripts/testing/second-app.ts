// A second instance of the built app (`node server.mjs`) on a free port, beside the one the test run started:
// same database, S3 and runner unless `env` says otherwise, as a second instance behind a load balancer would be.
import { spawn } from "node:child_process";
import path from "node:path";
import { freePort, httpAnswers, stopChild, waitUntil } from "../stack/proc";

const root = path.resolve(import.meta.dirname, "../..");

export interface SecondApp {
  base: string;
  /** Everything the instance wrote to stdout and stderr so far (its JSON log lines). */
  output(): string;
  /** Sends a signal (SIGTERM: a graceful drain); `exited` resolves with the exit code once the process ends. */
  signal(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** `port`: when something must know the address first (a workflow runner of its own, lib/backup/backup-crash.test.ts). */
export async function startSecondApp(env: Record<string, string> = {}, opts: { port?: number } = {}): Promise<SecondApp> {
  const port = opts.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, [path.join(root, "server.mjs")], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, PORT: String(port), HOSTNAME: "127.0.0.1" },
  });
  const chunks: string[] = [];
  app.stdout.on("data", (c: Buffer) => chunks.push(c.toString()));
  app.stderr.on("data", (c: Buffer) => chunks.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => app.once("exit", (code) => resolve(code)));
  try {
    await waitUntil("the second app", () => httpAnswers(`${base}/api/health/live`), { timeoutMs: 60_000, children: [app] });
  } catch (err) {
    await stopChild(app, "SIGKILL");
    throw err;
  }
  return {
    base,
    output: () => chunks.join(""),
    signal: (signal) => app.kill(signal),
    exited,
    stop: () => stopChild(app, "SIGKILL"),
  };
}
