// Proves the local clamd starts offline, detects with the shipped and the system signatures, and never outlives its parent.
// Run: npx vitest run scripts/stack/clamd.test.ts
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { pingClamd, scanStream } from "../../lib/processing/clamav";
import { eicar } from "../../lib/processing/test-media";
import { startClamd, type LocalClamd } from "./clamd";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const running: LocalClamd[] = [];
const dirs: string[] = [];
const tmpDir = (name: string) => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), `clamd-${name}-`)));
  return dirs[dirs.length - 1];
};

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("startClamd", () => {
  it("starts offline with the shipped signature and finds EICAR", async () => {
    const dir = tmpDir("shipped");
    const clamd = await startClamd({ dir, systemDatabaseDir: null, log: console.log });
    running.push(clamd);
    console.log(`clamd start with only the shipped signature: ${clamd.startMs} ms`);
    expect(clamd.databases).toEqual(["framevault-test.ndb"]);
    expect(clamd.startMs).toBeLessThan(15_000);
    expect(await pingClamd(clamd)).toBe(true);
    expect(await scanStream(Readable.from([eicar()]), clamd)).toEqual({ clean: false, signature: "Framevault.Test.EICAR.UNOFFICIAL" });
    expect(await scanStream(Readable.from([Buffer.from("just some text")]), clamd)).toEqual({ clean: true });
    // Image fuzzy hashing is off (clamd 1.x would reject the config if it did not know the option).
    expect(fs.readFileSync(path.join(dir, "clamd.conf"), "utf8")).toMatch(/^ScanImageFuzzyHash no$/m);
  });

  it("adds the databases found in the system folder, and only databases", async () => {
    const system = tmpDir("system");
    const sample = Buffer.from("framevault: pretend-malware sample for the system database test\n");
    const md5 = createHash("md5").update(sample).digest("hex");
    fs.writeFileSync(path.join(system, "local.hdb"), `${md5}:${sample.length}:Framevault.Test.SystemDb\n`);
    fs.writeFileSync(path.join(system, "freshclam.dat"), "not a database");
    const clamd = await startClamd({ dir: tmpDir("system-run"), systemDatabaseDir: system });
    running.push(clamd);
    expect(clamd.databases).toEqual(["framevault-test.ndb", "local.hdb"]);
    expect(await scanStream(Readable.from([sample]), clamd)).toEqual({ clean: false, signature: "Framevault.Test.SystemDb.UNOFFICIAL" });
    expect(await scanStream(Readable.from([eicar()]), clamd)).toMatchObject({ clean: false });
  });

  it("is gone after stop()", async () => {
    const clamd = await startClamd({ dir: tmpDir("stop"), systemDatabaseDir: null });
    await clamd.stop();
    expect(await pingClamd(clamd, { timeoutMs: 500 })).toBe(false);
  });

  it("dies with its parent, even one that is SIGKILLed", async () => {
    const dir = tmpDir("orphan");
    const script = path.join(dir, "parent.mts");
    fs.writeFileSync(
      script,
      `import { startClamd } from ${JSON.stringify(path.join(REPO, "scripts/stack/clamd.ts"))};\n` +
        `const clamd = await startClamd({ dir: ${JSON.stringify(path.join(dir, "clamd"))}, systemDatabaseDir: null });\n` +
        `console.log(JSON.stringify({ port: clamd.port }));\n` +
        `setInterval(() => {}, 1000);\n`,
    );
    const parent = spawn(process.execPath, ["--import", "tsx", script], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      parent.stdout.on("data", (d) => {
        out += d;
        const line = /\{"port":\d+\}/.exec(out);
        if (line) resolve(JSON.parse(line[0]).port);
      });
      parent.once("exit", (code) => reject(new Error(`parent exited early (${code})`)));
    });
    const target = { host: "127.0.0.1", port };
    expect(await pingClamd(target)).toBe(true);
    parent.kill("SIGKILL");
    expect(await waitFor(async () => !(await pingClamd(target, { timeoutMs: 500 })), 10_000)).toBe(true);
  });
});
