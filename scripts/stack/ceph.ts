// A single-node Ceph RADOS Gateway as the local S3 for dev and tests (recipe: /work/shared/notes/ceph-rgw.md).
// It is a real S3 implementation: SigV4 is checked, multipart has ListParts/Abort, lifecycle runs,
// storage classes exist. One mon, one OSD and radosgw, all bound to 127.0.0.1, no cephx, no mgr.
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import {
  commandOf,
  freePort,
  httpAnswers,
  lockFile,
  onPath,
  portIsFree,
  run,
  spawnDaemon,
  stopChild,
  tail,
  waitUntil,
} from "./proc";

export interface LocalS3 {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  kind: "ceph" | "s3rver";
  /** What does not behave like AWS S3 here; empty means nothing known that matters. */
  limitations: string[];
  stop(): Promise<void>;
}

export interface CephOptions {
  dir: string;
  port?: number;
  /** true: BlueStore on disk, data survives restarts (dev). false: in RAM, `dir` is removed on stop (tests). */
  persistent: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  log?: (line: string) => void;
}

const TOOLS = ["radosgw", "ceph-mon", "ceph-osd", "monmaptool", "radosgw-admin", "ceph", "rados"];

export function cephAvailable(): boolean {
  return TOOLS.every(onPath);
}

const UID = "local";
// GLACIER and DEEP_ARCHIVE are the archive tiers (lib/archive); the app moves objects into them with CopyObject.
const EXTRA_STORAGE_CLASSES = ["STANDARD_IA", "GLACIER", "DEEP_ARCHIVE"];
// Created up front: radosgw creates missing pools itself, but the first bucket and object then stall ~2 s each.
const POOLS = [
  ".rgw.root",
  "default.rgw.log",
  "default.rgw.control",
  "default.rgw.meta",
  "default.rgw.buckets.index",
  "default.rgw.buckets.data",
  "default.rgw.buckets.non-ec",
  ...EXTRA_STORAGE_CLASSES.map(dataPool),
  "default.rgw.backup.index",
  "default.rgw.backup.data",
  "default.rgw.backup.non-ec",
];

/**
 * The backup bucket's placement target (lib/backup, README "Backups"): its own index and data pools, so a
 * server-side copy into it writes the bytes again. Inside one data pool RGW makes a copy a reference to the
 * same RADOS objects, which a lost pool would take with it. A bucket goes there when created with
 * LocationConstraint `default:backup-placement` (BACKUP_PLACEMENT_CONSTRAINT).
 */
export const BACKUP_PLACEMENT = "backup-placement";
export const BACKUP_PLACEMENT_CONSTRAINT = `default:${BACKUP_PLACEMENT}`;
export const BACKUP_DATA_POOL = "default.rgw.backup.data";

async function addBackupPlacement(rgwAdmin: (...a: string[]) => Promise<string>): Promise<void> {
  await rgwAdmin("zonegroup", "placement", "add", "--rgw-zonegroup=default", `--placement-id=${BACKUP_PLACEMENT}`);
  await rgwAdmin(
    "zone", "placement", "add", "--rgw-zone=default", `--placement-id=${BACKUP_PLACEMENT}`,
    "--index-pool=default.rgw.backup.index", `--data-pool=${BACKUP_DATA_POOL}`, "--data-extra-pool=default.rgw.backup.non-ec",
  );
}

function dataPool(storageClass: string): string {
  return `default.rgw.${storageClass.toLowerCase()}.data`;
}

const LIMITATIONS = [
  "CompleteMultipartUpload answers with an empty ETag (radosgw bug): HeadObject to get it",
  "aws-chunked uploads (the SDK's default flexible checksums) get 411: use requestChecksumCalculation 'WHEN_REQUIRED'",
  "virtual-hosted-style addressing does not work: use forcePathStyle",
  "ListParts on an aborted or unknown upload answers 404 NoSuchKey instead of NoSuchUpload",
  "a bucket goes into another placement target (its own pools) only when created with LocationConstraint '<zonegroup>:<placement-id>' (the backup bucket: 'default:backup-placement')",
  "SSE-S3 (ServerSideEncryption 'AES256') is accepted and remembered but the data is not encrypted, and responses carry no x-amz-server-side-encryption header",
];

/** The "initialized" marker: written only once a first start has fully succeeded. */
interface State {
  fsid: string;
  osdId: number;
  monPort: number;
  rgwPort: number;
  accessKeyId: string;
  secretSha256: string;
  /** The classes this cluster has; a cluster made before one was added gets it at its next start. */
  storageClasses?: string[];
  /** The backup placement target exists (a cluster made before it gets it at its next start). */
  backupPlacement?: boolean;
}

export async function startCephRgw(opts: CephOptions): Promise<LocalS3> {
  const log = opts.log ?? (() => {});
  const dir = path.resolve(opts.dir);
  fs.mkdirSync(dir, { recursive: true });
  const lockFd = lockFile(path.join(dir, "lock"));
  // Unix sockets are limited to 107 characters, and `dir` can be deep: admin sockets live in /tmp.
  const runDir = fs.mkdtempSync("/tmp/crgw-");
  const f = {
    conf: path.join(dir, "ceph.conf"),
    state: path.join(dir, "state.json"),
    pids: path.join(dir, "pids.json"),
    logs: path.join(dir, "log"),
  };
  const C = ["-c", f.conf];
  const procs: { mon?: ChildProcess; osd?: ChildProcess; rgw?: ChildProcess } = {};
  let phase: "mon" | "osd" | "rgw" = "mon";
  const logOf = { mon: "mon.a", osd: "osd.0", rgw: "client.rgw" };
  const t0 = Date.now();
  const step = (what: string) => log(`[ceph] ${what} (+${Date.now() - t0} ms)`);

  // Kills the steps still running in parallel when one of them fails.
  const abort = new AbortController();
  // Each command follows the shared signal through its own (AbortSignal.any adds no listener to its source), so
  // a dozen commands in parallel do not pile a dozen listeners onto one signal (Node warns of a leak past 10).
  const cmd = (bin: string, args: string[]) => run(bin, args, { timeoutMs: 60_000, signal: AbortSignal.any([abort.signal]) });
  const ceph = (...args: string[]) => cmd("ceph", [...C, "--connect-timeout", "30", ...args]);
  const rados = (...args: string[]) => cmd("rados", [...C, ...args]);
  const rgwAdmin = (...args: string[]) => cmd("radosgw-admin", [...C, ...args]);
  const daemon = (name: keyof typeof procs, cmd: string, args: string[]) => {
    const child = spawnDaemon(cmd, [...C, "-f", ...args], path.join(f.logs, `${logOf[name]}.out`));
    procs[name] = child;
    const pids = Object.fromEntries(Object.entries(procs).map(([k, p]) => [k, p?.pid]));
    fs.writeFileSync(f.pids, JSON.stringify({ ...pids, runDir }));
    return child;
  };
  const started = () => [procs.mon, procs.osd, procs.rgw].filter((p): p is ChildProcess => !!p);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // radosgw takes ~12 s on SIGTERM and holds nothing that needs a clean shutdown.
    if (procs.rgw) await stopChild(procs.rgw, "SIGKILL");
    // In-memory data is thrown away, and a memstore OSD would first write all of it to disk on SIGTERM.
    const signal = opts.persistent ? "SIGTERM" : "SIGKILL";
    // The OSD says goodbye to the mon, so the mon goes last.
    if (procs.osd) await stopChild(procs.osd, signal);
    if (procs.mon) await stopChild(procs.mon, signal);
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.closeSync(lockFd);
    if (!opts.persistent) fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await killOrphans(f.pids, f.conf);
    let state = opts.persistent ? readState(f.state) : undefined;
    if (!state) {
      // Never initialized, or an init was interrupted: start from scratch.
      for (const entry of fs.readdirSync(dir)) if (entry !== "lock") fs.rmSync(path.join(dir, entry), { recursive: true });
    }
    fs.mkdirSync(f.logs, { recursive: true });

    const fsid = state?.fsid ?? crypto.randomUUID();
    const monPort = state && (await portIsFree(state.monPort)) ? state.monPort : await freePort();
    // A stable endpoint across dev restarts keeps stored URLs valid, so prefer the previous port.
    const rgwPort = opts.port ?? (state && (await portIsFree(state.rgwPort)) ? state.rgwPort : await freePort());
    // Else radosgw fails to bind and whatever holds the port would look like a ready radosgw.
    if (!(await portIsFree(rgwPort))) throw new Error(`port ${rgwPort} is already in use`);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    fs.writeFileSync(f.conf, cephConf({ fsid, dir, runDir, monPort, rgwPort, persistent: opts.persistent }));
    const monmap = path.join(dir, "monmap");
    const monAddr = `[v2:127.0.0.1:${monPort}]`;

    let osdId: number;
    if (!state) {
      step("init: mkfs mon");
      await cmd("monmaptool", ["--create", "--fsid", fsid, "--addv", "a", monAddr, monmap]);
      await cmd("ceph-mon", [...C, "--mkfs", "-i", "a", "--monmap", monmap]);
      daemon("mon", "ceph-mon", ["-i", "a"]);
      const osdUuid = crypto.randomUUID();
      osdId = Number((await ceph("osd", "new", osdUuid)).trim());
      logOf.osd = `osd.${osdId}`;
      step(`init: mkfs osd.${osdId}`);
      phase = "osd";
      const pools = Promise.all(POOLS.map((pool) => ceph("osd", "pool", "create", pool, "8", "8")));
      pools.catch(() => {}); // awaited below; this keeps a failure before that from being "unhandled"
      fs.mkdirSync(path.join(dir, "osd"));
      await cmd("ceph-osd", [...C, "-i", String(osdId), "--mkfs", "--osd-uuid", osdUuid]);
      daemon("osd", "ceph-osd", ["-i", String(osdId)]);
      await pools;
    } else {
      osdId = state.osdId;
      logOf.osd = `osd.${osdId}`;
      if (monPort !== state.monPort) {
        // The mon's own address lives in its store: rewrite it when the old port is taken.
        step(`mon port ${state.monPort} is taken, moving the mon to ${monPort}`);
        await cmd("ceph-mon", [...C, "-i", "a", "--extract-monmap", monmap]);
        await cmd("monmaptool", ["--rm", "a", monmap]);
        await cmd("monmaptool", ["--addv", "a", monAddr, monmap]);
        await cmd("ceph-mon", [...C, "-i", "a", "--inject-monmap", monmap]);
      }
      step("starting mon and osd");
      daemon("mon", "ceph-mon", ["-i", "a"]);
      phase = "osd";
      daemon("osd", "ceph-osd", ["-i", String(osdId)]);
    }

    // After a crash the osdmap still says "up" at the dead address; only the OSD itself knows it is ready.
    const asok = path.join(runDir, `ceph-osd.${osdId}.asok`);
    await waitUntil(`osd.${osdId} active`, async () => JSON.parse(await adminSocket(asok, "status")).state === "active", {
      timeoutMs: 60_000,
      children: started(),
    });
    step(`osd.${osdId} active`);

    phase = "rgw";
    const secretSha256 = sha256(opts.secretAccessKey);
    if (!state) {
      // `user create` also creates the default zonegroup and zone, which the placement commands need.
      await rgwAdmin("user", "create", `--uid=${UID}`, "--display-name=local", `--access-key=${opts.accessKeyId}`, `--secret=${opts.secretAccessKey}`);
      step("user created");
      // Without these, PutObject with StorageClass STANDARD_IA/GLACIER gets 400 InvalidArgument.
      // The zone placement needs the zonegroup's class first, and both edit one object each: no parallelism.
      for (const sc of EXTRA_STORAGE_CLASSES) {
        await rgwAdmin("zonegroup", "placement", "add", "--rgw-zonegroup=default", "--placement-id=default-placement", `--storage-class=${sc}`);
        await rgwAdmin("zone", "placement", "add", "--rgw-zone=default", "--placement-id=default-placement", `--storage-class=${sc}`, `--data-pool=${dataPool(sc)}`);
      }
      await addBackupPlacement(rgwAdmin);
      step("storage classes and the backup placement added");
    } else {
      // First: radosgw-admin's metadata writes notify those watchers too, and would stall as well.
      await blocklistStaleWatchers(rados, ceph);
      step("stale watchers blocklisted");
      const known = state.storageClasses ?? ["STANDARD_IA", "GLACIER"];
      for (const sc of EXTRA_STORAGE_CLASSES.filter((c) => !known.includes(c))) {
        await ceph("osd", "pool", "create", dataPool(sc), "8", "8");
        await rgwAdmin("zonegroup", "placement", "add", "--rgw-zonegroup=default", "--placement-id=default-placement", `--storage-class=${sc}`);
        await rgwAdmin("zone", "placement", "add", "--rgw-zone=default", "--placement-id=default-placement", `--storage-class=${sc}`, `--data-pool=${dataPool(sc)}`);
        step(`storage class ${sc} added`);
      }
      if (!state.backupPlacement) {
        for (const pool of POOLS.filter((p) => p.startsWith("default.rgw.backup."))) await ceph("osd", "pool", "create", pool, "8", "8");
        await addBackupPlacement(rgwAdmin);
        step("backup placement added");
      }
      if (state.accessKeyId !== opts.accessKeyId || state.secretSha256 !== secretSha256) {
        step("credentials changed, replacing the S3 key");
        if (state.accessKeyId !== opts.accessKeyId) await rgwAdmin("key", "rm", `--uid=${UID}`, `--access-key=${state.accessKeyId}`).catch(() => "");
        await rgwAdmin("key", "create", `--uid=${UID}`, "--key-type=s3", `--access-key=${opts.accessKeyId}`, `--secret=${opts.secretAccessKey}`);
      }
    }
    state = { fsid, osdId, monPort, rgwPort, accessKeyId: opts.accessKeyId, secretSha256, storageClasses: EXTRA_STORAGE_CLASSES, backupPlacement: true };
    writeState(f.state, state);

    daemon("rgw", "radosgw", ["-n", "client.rgw"]);
    await waitUntil("radosgw answering", () => httpAnswers(endpoint), { timeoutMs: 60_000, children: started() });
    step(`radosgw ready at ${endpoint}`);
    for (const p of started())
      p.once("exit", (code, signal) => {
        if (!stopped) log(`[ceph] "${commandOf(p)}" died unexpectedly (code ${code}, signal ${signal})`);
      });

    return {
      endpoint,
      region: "us-east-1",
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secretAccessKey,
      kind: "ceph",
      limitations: LIMITATIONS,
      stop,
    };
  } catch (err) {
    abort.abort();
    const logFile = path.join(f.logs, `${logOf[phase]}.log`);
    const details = `${tail(logFile)}\n--- ${logOf[phase]}.out:\n${tail(path.join(f.logs, `${logOf[phase]}.out`), 10)}`;
    await Promise.all(started().map((p) => stopChild(p, "SIGKILL")));
    stopped = true;
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.closeSync(lockFd);
    if (!opts.persistent) fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`Ceph RGW failed to start in ${dir}: ${(err as Error).message}\n--- tail of ${logFile}:\n${details}`);
  }
}

function cephConf(o: { fsid: string; dir: string; runDir: string; monPort: number; rgwPort: number; persistent: boolean }): string {
  const store = o.persistent
    ? [
        "osd objectstore = bluestore",
        // A sparse 10 GiB file: space is reused but never given back.
        "bluestore block create = true",
        "bluestore block size = 10737418240",
        "bluestore fsck on mkfs = false",
        "bdev aio poll ms = 20", // OSD start 2.4 s -> 1.2 s
        "debug rocksdb = 1/5",
        "osd memory target = 1073741824",
      ]
    : ["osd objectstore = memstore", "memstore device bytes = 2147483648"];
  return `[global]
fsid = ${o.fsid}
mon host = v2:127.0.0.1:${o.monPort}
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
run dir = ${o.runDir}
pid file =
log file = ${o.dir}/log/$name.log
mon cluster log file = ${o.dir}/log/cluster.log
crash dir = ${o.dir}/crash
mon data = ${o.dir}/mon
osd data = ${o.dir}/osd
rgw data = ${o.dir}/rgw
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
# else a full-looking disk stops the mon
mon data avail warn = 1
mon data avail crit = 0
paxos propose interval = 0.1
# verbose in-memory logs make an idle OSD grow ~19 MiB/min
debug osd = 1/1
debug ms = 0/0
debug bluestore = 1/1
${store.join("\n")}

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${o.rgwPort}
# radosgw defaults to "secure", which loops on "get_initial_auth_request returned -13" without cephx
ms mon client mode = crc
# else deleted objects hold space (and, with memstore, RAM) for 2 hours
rgw gc obj min wait = 30
rgw gc processor period = 30
# Ceph 16 has no SSE-S3 backend; this only stops it refusing "x-amz-server-side-encryption: AES256" over plain http
rgw crypt require ssl = false
${o.persistent ? "" : "# tests: lifecycle rules run every ~10 s and a lifecycle \"day\" lasts 10 s\nrgw lc debug interval = 10\n"}`;
}

/**
 * A killed radosgw leaves its watches on the control objects; the first write after a restart then
 * stalls ~29 s until they time out. Blocklisting the dead clients drops them at once.
 */
async function blocklistStaleWatchers(
  rados: (...a: string[]) => Promise<string>,
  ceph: (...a: string[]) => Promise<string>,
): Promise<void> {
  const pool = "default.rgw.control";
  const objects = (await rados("-p", pool, "ls")).split("\n").filter(Boolean);
  const listings = await Promise.all(objects.map((o) => rados("-p", pool, "listwatchers", o)));
  const addrs = new Set(listings.join("\n").match(/(?<=watcher=)\S+/g) ?? []);
  await Promise.all([...addrs].map((a) => ceph("osd", "blocklist", "add", a)));
}

/** One request over a Ceph admin socket: a NUL-terminated JSON command, a 4-byte length, the reply. */
function adminSocket(socketPath: string, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    let buf = Buffer.alloc(0);
    sock.setTimeout(2000, () => sock.destroy(new Error("admin socket timeout")));
    sock.on("connect", () => sock.write(JSON.stringify({ prefix }) + "\0"));
    sock.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        sock.end();
        resolve(buf.subarray(4, 4 + buf.readUInt32BE(0)).toString());
      }
    });
    sock.on("error", reject);
  });
}

/** Daemons of an earlier run whose parent vanished without its exit hooks (only if they use this conf). */
async function killOrphans(pidsFile: string, conf: string): Promise<void> {
  let previous: { runDir?: string } & Record<string, unknown>;
  try {
    previous = JSON.parse(fs.readFileSync(pidsFile, "utf8"));
  } catch {
    return;
  }
  for (const pid of Object.values(previous)) {
    if (typeof pid !== "number") continue;
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(conf)) continue;
      process.kill(pid, "SIGKILL");
      await waitUntil(`orphan ${pid} gone`, async () => !isRunning(pid), { timeoutMs: 10_000 });
    } catch (err) {
      if (isRunning(pid)) throw err;
    }
  }
  if (previous.runDir?.startsWith("/tmp/crgw-")) fs.rmSync(previous.runDir, { recursive: true, force: true });
}

function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8")); // a zombie is dead
  } catch {
    return false;
  }
}

function readState(file: string): State | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as State;
  } catch {
    return undefined;
  }
}

function writeState(file: string, state: State): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

function sha256(s: string): string {
  return crypto.createHash("sha256").update(s).digest("hex");
}
