// Processing through the real path: camera-sized JPEGs uploaded through the API with their workflow events
// held, then released at once, so the app's `/api/inngest` steps, driven by the local runner, work through the
// backlog at the app's own concurrency (PROCESSING_CONCURRENCY). Measured against bare sharp (the same two WebP
// sizes) plus one clamd scan of the same bytes, at the same concurrency, in the bench's process. CPU is read
// from /proc for the app, from process.cpuUsage() for the bench (which hosts the runner and the event gate), and
// machine-wide from /proc/stat, so the orchestration cost per file (everything but sharp and the scan) is the
// difference between the two runs. Midway, a person uploads one photo through the browser flow: with the
// priority given to people's uploads it must not wait for the backlog.
import { readFileSync } from "node:fs";
import { execSync } from "node:child_process";
import { Readable } from "node:stream";
import sharp from "sharp";
import { apiUpload, type BenchContext } from "../lib/context";
import { runLoad } from "../lib/load";
import { fmt, verdict } from "../lib/report";
import { makePhotos } from "../lib/photos";
import { browserUpload } from "./small-uploads";

const TICK_MS = 1000 / Number(execSync("getconf CLK_TCK").toString().trim() || 100);

/** CPU milliseconds a process has used (user + system), from /proc/<pid>/stat. */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Busy CPU milliseconds of the whole machine (every state but idle and iowait), from /proc/stat. */
function machineBusyMs(): number {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

function benchCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function waitStatus(ctx: BenchContext, ids: string[], timeoutMs: number, onTick?: (ready: number) => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows = await ctx.sql<{ status: string; n: number }[]>`select status::text, count(*)::int as n from files where id = any(${ids}::uuid[]) group by status`;
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    if (!by.processing) {
      if ((by.ready ?? 0) !== ids.length) throw new Error(`processing ended with ${JSON.stringify(by)}`);
      return;
    }
    await onTick?.(by.ready ?? 0);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`files still processing after ${timeoutMs / 1000} s`);
}

export async function processingScenario(ctx: BenchContext): Promise<void> {
  const images = Number(process.env.BENCH_IMAGES ?? (ctx.opts.quick ? 8 : 48));
  const concurrency = ctx.processingConcurrency;
  const { scanStream } = await import("../../lib/processing/clamav");
  const { PREVIEW_MAX_SIDE, THUMBNAIL_MAX_SIDE } = await import("../../lib/processing/image");
  const clamd = { host: ctx.env.CLAMD_HOST, port: Number(ctx.env.CLAMD_PORT) };
  ctx.log(`processing: making ${images + 1} 3072x2048 JPEGs`);
  const photos = await makePhotos(images + 1, "proc");
  const personsPhoto = photos.pop()!;

  // Bare: what processing cannot do without, at the same concurrency, in this process.
  ctx.log(`processing: bare sharp + scan, ${images} images at concurrency ${concurrency}`);
  let machine = machineBusyMs();
  let cpu = benchCpuMs();
  let started = performance.now();
  await runLoad(images, concurrency, async (i) => {
    const source = sharp(photos[i]);
    const [scan] = await Promise.all([
      scanStream(Readable.from([photos[i]]), clamd),
      source.clone().autoOrient().resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: "inside" }).webp({ quality: 75 }).toBuffer(),
      source.clone().autoOrient().resize({ width: PREVIEW_MAX_SIDE, height: PREVIEW_MAX_SIDE, fit: "inside" }).webp({ quality: 82 }).toBuffer(),
    ]);
    if (!scan.clean) throw new Error("a bench photo was reported infected");
  });
  const bare = { seconds: (performance.now() - started) / 1000, cpuMs: benchCpuMs() - cpu, machineMs: machineBusyMs() - machine };

  // Through the app: the uploads' events held, then released together.
  ctx.log(`processing: uploading ${images} photos with their events held`);
  ctx.gate.hold();
  const ids: string[] = [];
  await runLoad(images, 4, async (i) => void ids.push(await apiUpload(ctx, `camera-${i}.jpg`, photos[i])));
  ctx.gate.pass();
  const appPid = ctx.appPid!;
  machine = machineBusyMs();
  cpu = benchCpuMs();
  const appCpu = processCpuMs(appPid);
  started = performance.now();
  const released = await ctx.gate.release();
  ctx.log(`processing: released ${released} events`);
  // A person's upload once a third of the backlog is done: how long until it is ready.
  let person: Promise<number> | undefined;
  await waitStatus(ctx, ids, 900_000, async (ready) => {
    if (person || ready < images / 3) return;
    person = (async () => {
      const id = await browserUpload(ctx, "person.jpg", personsPhoto);
      const uploaded = performance.now();
      await waitStatus(ctx, [id], 600_000);
      return (performance.now() - uploaded) / 1000;
    })();
  });
  const seconds = (performance.now() - started) / 1000;
  const personSeconds = person ? await person : null;
  const processed = images + (person ? 1 : 0);
  const app = { cpuMs: processCpuMs(appPid) - appCpu, benchMs: benchCpuMs() - cpu, machineMs: machineBusyMs() - machine };

  const rate = images / seconds;
  const bareRate = images / bare.seconds;
  const barePerFile = bare.cpuMs / images;
  const orchestration = (app.cpuMs + app.benchMs) / processed - barePerFile;
  const machineOverhead = app.machineMs / processed - bare.machineMs / images;
  ctx.add({
    operation: `processing ${images} camera JPEGs (3072×2048) through the app and runner, a backlog released at once, concurrency ${concurrency}`,
    framevault: `${fmt.rate(rate, "images/s")} (${seconds.toFixed(1)} s)`,
    baseline: `bare sharp + scan ${fmt.rate(bareRate, "images/s")}`,
    ratio: fmt.ratio(rate, bareRate),
    goal: "≥ 0.8× bare sharp + scan",
    met: verdict(rate / bareRate >= 0.8),
  });
  ctx.add({
    operation: "orchestration CPU per file: app + runner CPU in the drain, less bare sharp's (machine-wide: all processes, less the bare run's)",
    framevault: `${fmt.ms(orchestration)} (machine-wide ${fmt.ms(machineOverhead)}; app ${fmt.ms(app.cpuMs / processed)}, runner ${fmt.ms(app.benchMs / processed)} per file)`,
    baseline: `bare sharp ${fmt.ms(barePerFile)} per image (machine-wide with the scan ${fmt.ms(bare.machineMs / images)})`,
    ratio: "",
    goal: "≤ 20 ms",
    met: verdict(orchestration <= 20),
  });
  ctx.add({
    operation: `a person's browser upload while the backlog drains: ready after`,
    framevault: personSeconds === null ? "not measured (the backlog drained before a third was done)" : `${personSeconds.toFixed(1)} s`,
    baseline: "",
    ratio: "",
    goal: "≤ 10 s",
    met: personSeconds === null ? "n/a" : verdict(personSeconds <= 10),
  });
}
