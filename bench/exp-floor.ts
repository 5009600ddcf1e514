import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execSync } from "node:child_process";
import { startStack } from "../scripts/stack";
import { freePort } from "../scripts/stack/proc";
import { ensureBuild, root, startApp } from "./lib/app";
const work = mkdtempSync(path.join(os.tmpdir(), "fv-exp-")); chmodSync(work, 0o755);
const port = await freePort(); const base = `http://127.0.0.1:${port}`;
const stack = await startStack({ mode: "test", dataDir: work, appUrl: base, given: {}, log: () => {} });
await ensureBuild(console.log);
const app = await startApp({ port, env: { ...stack.env, AUTH_SECRET: randomBytes(32).toString("base64"), NODE_ENV: "production" }, logPath: "/tmp/exp-app.log" });
for (const args of (process.env.AC_RUNS ?? "-c 32 -d 10|-c 32 -d 10 -H accept-encoding=identity").split("|")) {
  const out = execSync(`/tmp/ac/node_modules/.bin/autocannon ${args} ${base}/api/health/live 2>&1 | grep -E "Req/Sec|Latency|requests in"`).toString();
  console.log(args, "\n", out);
}
await app.stop?.(); await stack.stop(); process.exit(0);
