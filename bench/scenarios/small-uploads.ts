// 200 × 256 KiB at concurrency 16: the browser's presign flow and the API upload, each with processing deferred
// (the gate holds the workflow events) and with processing running beside them, against raw PutObject; then
// the held backlog is released and its drain rate measured.
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { fakeJpeg } from "../../scripts/testing/fixtures";
import { apiUpload, browserHeaders, KiB, stillProcessing, type BenchContext } from "../lib/context";
import { expectStatus, median, runLoad, type LoadResult } from "../lib/load";
import { fmt, verdict } from "../lib/report";

const SIZE = 256 * KiB;
const CONCURRENCY = 16;

interface Phases { create: number[]; sign: number[]; put: number[]; complete: number[] }

/** The HTTP calls Uppy makes for one small file (lib/files/browser-upload.ts): create, sign, PUT, complete. */
export async function browserUpload(ctx: BenchContext, name: string, bytes: Uint8Array, phases?: Phases): Promise<string> {
  const json = { "content-type": "application/json" };
  let t = performance.now();
  const lap = (into?: number[]) => {
    const now = performance.now();
    into?.push(now - t);
    t = now;
  };
  const created = await expectStatus(await fetch(`${ctx.base}/api/uploads`, { method: "POST", headers: browserHeaders(ctx, json), body: JSON.stringify({ filename: name, size: bytes.length, mimeType: "image/jpeg" }) }), 201);
  const session = (await created.json()) as { uploadId: string; key: string; mode: string };
  lap(phases?.create);
  if (session.mode !== "single") throw new Error(`expected a single PUT, got ${session.mode}`);
  const signed = await expectStatus(await fetch(`${ctx.base}/api/uploads/sign`, { method: "POST", headers: browserHeaders(ctx, json), body: JSON.stringify({ method: "PUT", key: session.key }) }), 200);
  const { url, headers } = (await signed.json()) as { url: string; headers: Record<string, string> };
  lap(phases?.sign);
  const put = await fetch(url, { method: "PUT", headers, body: bytes as Uint8Array<ArrayBuffer> });
  await expectStatus(put, 200);
  await put.arrayBuffer();
  lap(phases?.put);
  const done = await expectStatus(await fetch(`${ctx.base}/api/uploads/${session.uploadId}/complete`, { method: "POST", headers: browserHeaders(ctx) }), 200, 201);
  const file = (await done.json()) as { fileId: string };
  lap(phases?.complete);
  return file.fileId;
}

function describe(r: LoadResult, unit = "obj/s"): string {
  const err = r.errors ? `, ${r.errors} errors (${r.firstError})` : "";
  return `${fmt.rate(r.perSecond, unit)}, p50 ${fmt.ms(median(r.latenciesMs))}${err}`;
}

export async function smallUploads(ctx: BenchContext): Promise<void> {
  const count = ctx.opts.quick ? 48 : 200;
  const payloads = () => Array.from({ length: count }, () => fakeJpeg(SIZE));

  ctx.log(`small uploads: raw PutObject, ${count} × 256 KiB at concurrency ${CONCURRENCY}`);
  const rawBodies = payloads();
  const raw = await runLoad(count, CONCURRENCY, async (i) => {
    await ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: `bench/raw-small/${Date.now()}-${i}`, Body: rawBodies[i], ContentType: "image/jpeg" }));
  });
  const rawText = describe(raw);

  const held: string[] = [];
  const flows = [
    { name: "browser presign flow (create, sign, PUT, complete)", upload: browserUpload, key: "browser" },
    { name: "`POST /api/v1/files/upload`", upload: (c: BenchContext, n: string, b: Uint8Array) => apiUpload(c, n, b), key: "api" },
  ] as const;
  for (const deferred of [true, false]) {
    for (const flow of flows) {
      if (deferred) ctx.gate.hold();
      else ctx.gate.pass();
      ctx.log(`small uploads: ${flow.key}, processing ${deferred ? "deferred" : "running"}`);
      const bodies = payloads();
      const phases: Phases = { create: [], sign: [], put: [], complete: [] };
      const ids: string[] = [];
      const r = await runLoad(count, CONCURRENCY, async (i) => {
        ids.push(await flow.upload(ctx, `small-${flow.key}-${i}.jpg`, bodies[i], flow.key === "browser" ? phases : undefined));
      });
      if (deferred) held.push(...ids);
      const split = flow.key === "browser" ? ` (create ${fmt.ms(median(phases.create))}, sign ${fmt.ms(median(phases.sign))}, PUT ${fmt.ms(median(phases.put))}, complete ${fmt.ms(median(phases.complete))})` : "";
      const goal = deferred ? 0.8 : 0.4;
      const ratio = r.perSecond / raw.perSecond;
      ctx.add({
        operation: `${count} × 256 KiB, c${CONCURRENCY}, ${flow.name}, processing ${deferred ? "deferred" : "running"}`,
        framevault: `${describe(r)}${split}`,
        baseline: `PutObject ${rawText}`,
        ratio: fmt.ratio(r.perSecond, raw.perSecond),
        goal: `≥ ${goal}× raw`,
        met: verdict(r.errors === 0 && ratio >= goal),
      });
    }
  }
  ctx.gate.pass();

  // The deferred uploads' events, released at once: how fast processing works through a backlog.
  const released = await ctx.gate.release();
  ctx.log(`backlog: released ${released} held events for ${held.length} files`);
  const started = performance.now();
  let left = held.length;
  const deadline = Date.now() + (ctx.opts.quick ? 180_000 : 600_000);
  while (left > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await stillProcessing(ctx, held);
    if (now !== left) ctx.log(`backlog: ${now} of ${held.length} still processing`);
    left = now;
  }
  const seconds = (performance.now() - started) / 1000;
  const done = held.length - left;
  ctx.add({
    operation: `backlog of ${held.length} small files (the deferred uploads), processed after release`,
    framevault: `${fmt.rate(done / seconds, "files/s")}${left ? ` (${left} still processing after ${Math.round(seconds)} s)` : ""}`,
    baseline: "(diagnostic: the goal is measured on camera JPEGs in the processing rows)",
    ratio: "",
    goal: "",
    met: "",
  });
}
