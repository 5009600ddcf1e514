// A production start on development secrets or credentials is refused at process start, with one line
// saying what to set. Starts the built app (server.mjs) with a bare environment, as `npm start` would.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { freePort } from "@/scripts/stack/proc";

const root = import.meta.dirname;
const GOOD = {
  NODE_ENV: "production",
  AUTH_SECRET: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==",
  DATABASE_URL: "postgres://framevault:s3cret@db.internal:5432/framevault",
  S3_ACCESS_KEY_ID: "AKIAEXAMPLE",
  S3_SECRET_ACCESS_KEY: "example-secret-key",
  AUDIT_HMAC_KEY: "0123456789abcdef0123456789abcdef",
  BACKUP_ENCRYPTION_KEY: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
};

/** Starts `node server.mjs` and resolves with how it ended; a server that starts listening is a refusal that did not happen. */
async function startProduction(vars: Record<string, string>): Promise<{ code: number | null; output: string; listened: boolean }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "server.mjs")], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), HOSTNAME: "127.0.0.1", ...vars, NODE_ENV: "production" },
  });
  let output = "";
  let listened = false;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (!listened && output.includes("listening on")) {
      listened = true;
      child.kill("SIGKILL");
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
  return { code, output, listened };
}

describe("production start", () => {
  it("refuses without AUTH_SECRET, with one line saying what to set", async () => {
    const { AUTH_SECRET: _, ...rest } = GOOD;
    const { code, output, listened } = await startProduction(rest);
    expect(listened).toBe(false);
    expect(code).not.toBe(0);
    const line = "Refusing to start in production: set AUTH_SECRET to 32+ random bytes (openssl rand -base64 32)";
    expect(output.split("\n")).toContain(line);
  });

  it("refuses the embedded stack's S3 credentials", async () => {
    const { code, output, listened } = await startProduction({ ...GOOD, S3_ACCESS_KEY_ID: "framevault-local", S3_SECRET_ACCESS_KEY: "framevault-local-secret" });
    expect(listened).toBe(false);
    expect(code).not.toBe(0);
    expect(output).toContain("Refusing to start in production: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY");
  });

  it("refuses without AUDIT_HMAC_KEY: the audit chain's key must live outside the database", async () => {
    const { AUDIT_HMAC_KEY: _, ...rest } = GOOD;
    const { code, output, listened } = await startProduction(rest);
    expect(listened).toBe(false);
    expect(code).not.toBe(0);
    expect(output).toContain("Refusing to start in production: set AUDIT_HMAC_KEY to 32+ random characters");
  });
});

describe("parseEnv in production", () => {
  const refused = (vars: Record<string, string | undefined>) => {
    try {
      parseEnv(vars);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };

  it.each([
    ["no AUTH_SECRET", { AUTH_SECRET: undefined }, "set AUTH_SECRET"],
    ["a 31-byte AUTH_SECRET", { AUTH_SECRET: "x".repeat(31) }, "set AUTH_SECRET"],
    ["the development AUTH_SECRET", { AUTH_SECRET: "framevault-local-development-secret-change-me" }, "set AUTH_SECRET"],
    ["no DATABASE_URL", { DATABASE_URL: undefined }, "set DATABASE_URL"],
    ["postgres:postgres anywhere", { DATABASE_URL: "postgres://postgres:postgres@db.internal:5432/app" }, "set DATABASE_URL"],
    ["no S3 keys", { S3_ACCESS_KEY_ID: undefined, S3_SECRET_ACCESS_KEY: undefined }, "set S3_ACCESS_KEY_ID"],
    ["the local S3 secret with another key id", { S3_SECRET_ACCESS_KEY: "framevault-local-secret" }, "set S3_ACCESS_KEY_ID"],
    ["no AUDIT_HMAC_KEY", { AUDIT_HMAC_KEY: undefined }, "set AUDIT_HMAC_KEY"],
    ["no BACKUP_ENCRYPTION_KEY (the development one)", { BACKUP_ENCRYPTION_KEY: undefined }, "set BACKUP_ENCRYPTION_KEY"],
  ])("refuses %s", (_, change, expected) => {
    const message = refused({ ...GOOD, ...change });
    expect(message).toMatch(/^Refusing to start in production: /);
    expect(message).toContain(expected);
  });

  it("refuses an SMTP_URL that is not smtp(s)://host or an ALERT_EMAIL_TO that is not addresses, saying what to set", () => {
    for (const SMTP_URL of ["mail.example.com:587", "http://mail.example.com", "smtp://"]) {
      expect(refused({ ...GOOD, SMTP_URL })).toContain("SMTP_URL must be smtp://[user:pass@]host[:port]");
    }
    expect(refused({ ...GOOD, SMTP_URL: "smtp://u:p@mail.example.com:587", ALERT_EMAIL_TO: "ops@example.com, not-an-address" })).toContain("ALERT_EMAIL_TO must be comma-separated email addresses");
    const e = parseEnv({ ...GOOD, SMTP_URL: "smtps://u:p@mail.example.com:465", ALERT_EMAIL_TO: "ops@example.com, oncall@example.com" });
    expect(e.ALERT_EMAIL_TO).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(e.ALERT_EMAIL_FROM).toBe("Framevault <alerts@framevault.local>");
    const off = parseEnv(GOOD);
    expect(off.SMTP_URL).toBeUndefined();
    expect(off.ALERT_EMAIL_TO).toEqual([]);
  });

  it("accepts real secrets, and development accepts the defaults", () => {
    expect(refused(GOOD)).toBeNull();
    expect(refused({ NODE_ENV: "development" })).toBeNull();
  });
});
