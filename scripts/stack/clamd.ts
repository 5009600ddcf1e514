// The local virus scanner for dev and tests: Debian's clamd in the foreground on a free loopback port.
// freshclam cannot download signatures here, so clamav/framevault-test.ndb (the EICAR test string, in
// hex so the repo itself trips no scanner) makes scanning work offline; the real databases in
// /var/lib/clamav are used as well when freshclam has fetched them (they take ~20 s and ~1 GiB to load).
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, spawnDaemon, stopChild, tail, waitUntil } from "./proc";
import { ensureDebianPackages } from "./provision";

export interface ClamdOptions {
  dir: string;
  log?: (line: string) => void;
  /** Where freshclam keeps the real databases; null to load only the shipped test signature. */
  systemDatabaseDir?: string | null;
  /** Largest stream clamd accepts and fully scans; bigger ones are refused, never passed unscanned. */
  maxStreamBytes?: number;
}

export interface LocalClamd {
  host: string;
  port: number;
  /** File names of the signature databases loaded. */
  databases: string[];
  /** From spawn to the first PONG. */
  startMs: number;
  stop(): Promise<void>;
}

const SHIPPED_DATABASE = fileURLToPath(new URL("./clamav/framevault-test.ndb", import.meta.url));
const DATABASE_FILE = /\.(cvd|cld|cud|ndb|hdb|hsb|ldb|mdb|msb|fp|sfp|ign2|yara?)$/i;
const MiB = 1024 * 1024;

export async function startClamd(opts: ClamdOptions): Promise<LocalClamd> {
  const log = opts.log ?? (() => {});
  if (!ensureDebianPackages(["clamav-daemon"], ["clamd"], log)) {
    throw new Error("clamd is missing and could not be installed (apt-get install clamav-daemon)");
  }
  const dir = path.resolve(opts.dir);
  const databaseDir = path.join(dir, "db");
  fs.rmSync(databaseDir, { recursive: true, force: true });
  fs.mkdirSync(databaseDir, { recursive: true });
  fs.mkdirSync(path.join(dir, "tmp"), { recursive: true });
  fs.copyFileSync(SHIPPED_DATABASE, path.join(databaseDir, path.basename(SHIPPED_DATABASE)));
  const systemDir = opts.systemDatabaseDir === undefined ? "/var/lib/clamav" : opts.systemDatabaseDir;
  const linked = systemDir ? linkDatabases(systemDir, databaseDir) : [];

  const port = await freePort();
  const limit = `${Math.ceil((opts.maxStreamBytes ?? 1024 * MiB) / MiB)}M`;
  const configFile = path.join(dir, "clamd.conf");
  fs.writeFileSync(
    configFile,
    [
      "Foreground yes",
      "TCPAddr 127.0.0.1",
      `TCPSocket ${port}`,
      `DatabaseDirectory ${databaseDir}`,
      `TemporaryDirectory ${path.join(dir, "tmp")}`,
      `LogFile ${path.join(dir, "clamd.log")}`,
      "LogTime yes",
      // Debian's defaults would silently pass anything over 25 MiB (stream) or 100 MiB (file) unscanned.
      `StreamMaxLength ${limit}`,
      `MaxFileSize ${limit}`,
      `MaxScanSize ${limit}`,
      "AlertExceedsMax yes",
      // Image fuzzy hashing only serves signatures that match known pictures; on a camera JPEG it costs
      // ~20x the scan itself (~1.6 s of 3 MiB), and the EICAR test signature does not use it.
      "ScanImageFuzzyHash no",
      "",
    ].join("\n"),
  );

  const outFile = path.join(dir, "clamd.out");
  const started = Date.now();
  const child = spawnDaemon("clamd", ["--config-file", configFile], outFile);
  try {
    await waitUntil("clamd answering PING", () => answersPing(port), { timeoutMs: linked.length ? 300_000 : 60_000, children: [child], intervalMs: 100 });
  } catch (err) {
    await stopChild(child, "SIGKILL");
    throw new Error(`clamd failed to start: ${(err as Error).message}\n--- ${outFile}:\n${tail(outFile)}\n--- clamd.log:\n${tail(path.join(dir, "clamd.log"))}`);
  }
  const startMs = Date.now() - started;
  const databases = [path.basename(SHIPPED_DATABASE), ...linked];
  log(`[clamd] ready at 127.0.0.1:${port} in ${startMs} ms (signatures: ${databases.join(", ")})`);
  return { host: "127.0.0.1", port, databases, startMs, stop: () => stopChild(child, "SIGTERM", 5000) };
}

/** clamd reads a single DatabaseDirectory, so the real databases are symlinked into ours (freshclam updates show through). */
function linkDatabases(from: string, to: string): string[] {
  if (!fs.existsSync(from)) return [];
  const names = fs
    .readdirSync(from)
    .filter((name) => DATABASE_FILE.test(name) && !fs.existsSync(path.join(to, name)) && fs.statSync(path.join(from, name)).isFile());
  for (const name of names) fs.symlinkSync(path.join(from, name), path.join(to, name));
  return names;
}

// clamd binds its socket only after the databases are loaded, so a PONG means it is ready to scan.
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = "";
    const socket = net.connect(port, "127.0.0.1");
    socket.setTimeout(1000, () => socket.destroy());
    socket.on("data", (data) => (reply += data.toString()));
    socket.on("error", () => {});
    socket.on("close", () => resolve(reply.startsWith("PONG")));
    socket.end("zPING\0");
  });
}
