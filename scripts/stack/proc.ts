// Small process helpers shared by the local S3 launchers (ceph.ts, s3rver.ts).
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export function onPath(bin: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => {
    if (!dir) return false;
    try {
      fs.accessSync(path.join(dir, bin), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const live = new Set<ChildProcess>();
let hooked = false;
// setpriv's parent-death signal also covers a SIGKILLed or crashed parent, where no 'exit' handler runs.
const useSetpriv = onPath("setpriv");

/** Every child we start is SIGKILLed when this process goes, however it goes: no orphans after a Ctrl-C or crash. */
function tracked(cmd: string, args: string[], start: (file: string, argv: string[]) => ChildProcess): ChildProcess {
  if (!hooked) process.on("exit", killAll);
  hooked = true;
  const child = useSetpriv ? start("setpriv", ["--pdeathsig", "KILL", "--", cmd, ...args]) : start(cmd, args);
  live.add(child);
  child.once("exit", () => live.delete(child));
  child.on("error", () => live.delete(child)); // reported by the caller
  return child;
}

function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
}

/** Starts a long-running child whose output goes to `outFile`; `as` runs it as another user (when we are root). */
export function spawnDaemon(cmd: string, args: string[], outFile: string, env: Record<string, string> = {}, as?: { uid: number; gid: number }): ChildProcess {
  const out = fs.openSync(outFile, "a");
  try {
    return tracked(cmd, args, (file, argv) => spawn(file, argv, { stdio: ["ignore", out, out], env: { ...cleanEnv(), ...env }, ...as }));
  } finally {
    fs.closeSync(out);
  }
}

/** The command a child runs, without our setpriv wrapper. */
export function commandOf(child: ChildProcess): string {
  return (child.spawnfile === "setpriv" ? child.spawnargs.slice(4) : child.spawnargs).join(" ");
}

export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

/** Sends `signal`, waits for the exit, and escalates to SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await gone;
  clearTimeout(timer);
}

// CEPH_ARGS/CEPH_CONF from the user's shell would silently change which cluster the tools talk to.
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CEPH_ARGS;
  delete env.CEPH_CONF;
  return env;
}

/** Runs a command to completion; rejects with its stderr. `signal` kills it (e.g. when a sibling step failed). */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { timeout: opts.timeoutMs ?? 30_000, signal: opts.signal, killSignal: "SIGKILL" as const, env: cleanEnv(), maxBuffer: 16 << 20 };
    tracked(cmd, args, (file, argv) =>
      execFile(file, argv, options, (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(" ")} failed: ${stderr.trim() || err.message}`));
        else resolve(stdout);
      }),
    );
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns true; fails early if one of `children` has died. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; children?: ChildProcess[]; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const dead = opts.children?.find(exited);
    if (dead) throw new Error(`${what}: "${commandOf(dead)}" exited (code ${dead.exitCode}, signal ${dead.signalCode})`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: timed out after ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

/** True once anything answers HTTP on the URL (any status counts: the server is up). */
export async function httpAnswers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
  await res.arrayBuffer();
  return true;
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no ${file})`;
  }
}

/**
 * Takes an exclusive flock on `file`, held by the returned fd until it is closed or this process
 * dies; the kernel then drops it, so a crashed owner never leaves a stale lock behind.
 * flock(1) locks the open file description it inherits as fd 3, which is shared with our fd.
 */
export function lockFile(file: string): number {
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  const r = spawnSync("flock", ["--nonblock", "--exclusive", "3"], { stdio: ["ignore", "ignore", "pipe", fd] });
  if (r.status !== 0) {
    const holder = fs.readFileSync(file, "utf8").trim();
    fs.closeSync(fd);
    if (r.error) throw new Error(`flock(1) is needed to lock ${file}: ${r.error.message}`);
    throw new Error(`${file} is locked by another running instance (pid ${holder || "?"})`);
  }
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, String(process.pid), 0);
  return fd;
}
