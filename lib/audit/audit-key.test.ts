import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, stopChild } from "@/scripts/stack/proc";

// The chain's key lives outside the database; without one, production must not run on a key anyone can read.

describe("AUDIT_HMAC_KEY in production", () => {
  it("is required: without it the app refuses to serve and says what to set", async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", PORT: String(port), HOSTNAME: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1" };
    delete env.AUDIT_HMAC_KEY;
    const app = spawn(process.execPath, [path.resolve("server.mjs")], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    app.stdout.on("data", (c: Buffer) => (output += c));
    app.stderr.on("data", (c: Buffer) => (output += c));
    try {
      // Either the process exits, or it answers without having started the app.
      let status: number | null = null;
      while (app.exitCode === null && status === null) {
        status = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status, () => null);
        if (status === null) await new Promise((r) => setTimeout(r, 250));
      }
      expect(output).toContain("AUDIT_HMAC_KEY is not set");
      if (app.exitCode === null) expect(status).toBe(500);
      else expect(app.exitCode).not.toBe(0);
    } finally {
      if (app.exitCode === null) await stopChild(app, "SIGTERM");
    }
  }, 90_000);
});
