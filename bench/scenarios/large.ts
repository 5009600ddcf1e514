// 100 MiB: the browser's presigned multipart with parts in parallel and the API upload against raw PutObject;
// the download (streamed through the app, and through `?redirect=true` followed) against raw GetObject; a 1 MiB
// Range at p50 against a raw ranged GetObject. The app server's peak RSS is kept for the table.
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { fakeJpeg } from "../../scripts/testing/fixtures";
import { apiHeaders, apiUpload, browserHeaders, MiB, sha256, waitReady, type BenchContext } from "../lib/context";
import { drain, expectStatus, median, withPeakRss } from "../lib/load";
import { fmt, verdict } from "../lib/report";

const SIZE = 100 * MiB;
/** Parts in flight at once for one file (the issue's goal is stated for 4-6). */
const PARALLEL_PARTS = 4;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function sign(ctx: BenchContext, body: Record<string, unknown>): Promise<{ url: string; headers?: Record<string, string> }> {
  const res = await expectStatus(await fetch(`${ctx.base}/api/uploads/sign`, { method: "POST", headers: browserHeaders(ctx, { "content-type": "application/json" }), body: JSON.stringify(body) }), 200);
  return (await res.json()) as { url: string; headers?: Record<string, string> };
}

/** What Uppy's S3 plugin does for a large file: create, sign and start the multipart, parts in parallel, complete. */
export async function browserMultipartUpload(ctx: BenchContext, name: string, bytes: Uint8Array, parallel: number): Promise<string> {
  const created = await expectStatus(await fetch(`${ctx.base}/api/uploads`, { method: "POST", headers: browserHeaders(ctx, { "content-type": "application/json" }), body: JSON.stringify({ filename: name, size: bytes.length, mimeType: "image/jpeg" }) }), 201);
  const session = (await created.json()) as { uploadId: string; key: string; mode: string; partSize: number };
  if (session.mode !== "multipart") throw new Error(`expected multipart, got ${session.mode}`);
  const start = await sign(ctx, { method: "POST", key: session.key });
  const started = await expectStatus(await fetch(start.url, { method: "POST", headers: start.headers }), 200);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await started.text())?.[1];
  if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
  const partCount = Math.ceil(bytes.length / session.partSize);
  const etags: string[] = new Array(partCount);
  let next = 1;
  await Promise.all(Array.from({ length: Math.min(parallel, partCount) }, async () => {
    while (next <= partCount) {
      const partNumber = next++;
      const { url } = await sign(ctx, { method: "PUT", key: session.key, uploadId, partNumber });
      const part = bytes.subarray((partNumber - 1) * session.partSize, Math.min(bytes.length, partNumber * session.partSize));
      const res = await expectStatus(await fetch(url, { method: "PUT", body: part as Uint8Array<ArrayBuffer> }), 200);
      await res.arrayBuffer();
      etags[partNumber - 1] = res.headers.get("etag") ?? "";
    }
  }));
  const finish = await sign(ctx, { method: "POST", key: session.key, uploadId });
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
  const completed = await expectStatus(await fetch(finish.url, { method: "POST", headers: { "content-type": "application/xml" }, body: xml }), 200);
  const answer = await completed.text();
  if (!answer.includes("CompleteMultipartUploadResult")) throw new Error(`CompleteMultipartUpload failed: ${answer.slice(0, 200)}`);
  const done = await expectStatus(await fetch(`${ctx.base}/api/uploads/${session.uploadId}/complete`, { method: "POST", headers: browserHeaders(ctx) }), 200, 201);
  return ((await done.json()) as { fileId: string }).fileId;
}

export async function largeTransfers(ctx: BenchContext): Promise<{ peakRssMiB: number | null }> {
  const runs = ctx.opts.quick ? 1 : 3;
  const mibps = (seconds: number[]) => SIZE / MiB / median(seconds);
  const rawKey = "bench/raw-large";
  const { result, peakRssMiB } = await withPeakRss(ctx.appPid, async () => {
    ctx.log(`100 MiB: raw PutObject ×${runs}`);
    const rawPut: number[] = [];
    for (let i = 0; i < runs; i++) {
      const body = fakeJpeg(SIZE);
      rawPut.push(await timed(() => ctx.s3.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: rawKey, Body: body, ContentType: "image/jpeg" }))));
    }
    // The request path only: processing of these files waits until the transfers are measured.
    ctx.gate.hold();
    ctx.log(`100 MiB: browser multipart, ${PARALLEL_PARTS} parts at a time ×${runs}`);
    const multipart: number[] = [];
    for (let i = 0; i < runs; i++) {
      const body = fakeJpeg(SIZE);
      multipart.push(await timed(() => browserMultipartUpload(ctx, `large-browser-${i}.jpg`, body, PARALLEL_PARTS)));
    }
    ctx.log(`100 MiB: API upload ×${runs}`);
    const api: number[] = [];
    const apiIds: string[] = [];
    let kept: Uint8Array | undefined;
    for (let i = 0; i < runs; i++) {
      const body = fakeJpeg(SIZE);
      kept = body;
      api.push(await timed(async () => apiUpload(ctx, `large-api-${i}.jpg`, body).then((id) => apiIds.push(id))));
    }
    ctx.gate.pass();
    await ctx.gate.release();
    const fileId = apiIds.at(-1)!;
    const expected = sha256(kept!);
    ctx.log("100 MiB: waiting for processing of the uploaded file before reading it");
    await waitReady(ctx, [fileId], 600_000);

    ctx.log(`100 MiB: raw GetObject and app download ×${runs}`);
    const rawGet: number[] = [];
    const appGet: number[] = [];
    const redirectGet: number[] = [];
    let redirectMode = true;
    for (let i = 0; i < runs; i++) {
      rawGet.push(await timed(async () => {
        const out = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: rawKey }));
        let n = 0;
        for await (const chunk of out.Body as AsyncIterable<Uint8Array>) n += chunk.length;
        if (n !== SIZE) throw new Error(`raw GetObject returned ${n} bytes`);
      }));
      appGet.push(await timed(async () => {
        const res = await expectStatus(await fetch(`${ctx.base}/api/v1/files/${fileId}/download`, { headers: apiHeaders(ctx) }), 200);
        const n = await drain(res);
        if (n !== SIZE) throw new Error(`download returned ${n} bytes`);
      }));
      if (redirectMode) {
        const seconds = await timed(async () => {
          const res = await fetch(`${ctx.base}/api/v1/files/${fileId}/download?redirect=true`, { headers: apiHeaders(ctx), redirect: "manual" });
          if (res.status === 200) {
            redirectMode = false;
            await res.body?.cancel();
            return;
          }
          await expectStatus(res, 302, 307);
          const location = res.headers.get("location");
          if (!location) throw new Error("redirect without a Location");
          const n = await drain(await expectStatus(await fetch(location), 200));
          if (n !== SIZE) throw new Error(`redirected download returned ${n} bytes`);
        });
        if (redirectMode) redirectGet.push(seconds);
      }
    }
    // Bytes identical: once, outside the timed runs, so hashing does not slow the figures above.
    const check = await expectStatus(await fetch(`${ctx.base}/api/v1/files/${fileId}/download`, { headers: apiHeaders(ctx) }), 200);
    const got = sha256(new Uint8Array(await check.arrayBuffer()));
    if (got !== expected) throw new Error("the 100 MiB download differs from what was uploaded");

    ctx.log("1 MiB Range: p50 of app and raw");
    const samples = ctx.opts.quick ? 20 : 100;
    const appRange: number[] = [];
    const rawRange: number[] = [];
    for (let i = 0; i < samples; i++) {
      const from = Math.floor(Math.random() * (SIZE - MiB));
      const range = `bytes=${from}-${from + MiB - 1}`;
      appRange.push(await timed(async () => {
        const res = await expectStatus(await fetch(`${ctx.base}/api/v1/files/${fileId}/download`, { headers: apiHeaders(ctx, { range }) }), 206);
        if ((await drain(res)) !== MiB) throw new Error("a 1 MiB range returned another length");
      }));
      rawRange.push(await timed(async () => {
        const out = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: rawKey, Range: range }));
        for await (const _ of out.Body as AsyncIterable<Uint8Array>);
      }));
    }
    return { rawPut, multipart, api, rawGet, appGet, redirectGet, redirectMode, appRange, rawRange };
  });
  const r = result;
  const put = mibps(r.rawPut);
  const get = mibps(r.rawGet);
  const rows = [
    { operation: `100 MiB presigned multipart, ${PARALLEL_PARTS} parts in parallel`, value: mibps(r.multipart), base: put, baseName: "PutObject", goal: 0.95 },
    { operation: "100 MiB API upload", value: mibps(r.api), base: put, baseName: "PutObject", goal: 0.9 },
    { operation: "100 MiB download, streamed through the app", value: mibps(r.appGet), base: get, baseName: "GetObject", goal: 0.95 },
  ];
  for (const row of rows) {
    ctx.add({
      operation: row.operation,
      framevault: `${fmt.rate(row.value, "MiB/s")} (median of ${runs})`,
      baseline: `${row.baseName} ${fmt.rate(row.base, "MiB/s")}`,
      ratio: fmt.ratio(row.value, row.base),
      goal: `≥ ${row.goal}× raw`,
      met: verdict(row.value / row.base >= row.goal),
    });
  }
  ctx.add(r.redirectMode
    ? { operation: "100 MiB download, `?redirect=true` followed", framevault: `${fmt.rate(mibps(r.redirectGet), "MiB/s")} (median of ${runs})`, baseline: `GetObject ${fmt.rate(get, "MiB/s")}`, ratio: fmt.ratio(mibps(r.redirectGet), get), goal: "≥ 0.95× raw", met: verdict(mibps(r.redirectGet) / get >= 0.95) }
    : { operation: "100 MiB download, `?redirect=true` followed", framevault: "n/a (the app answered 200: no redirect mode)", baseline: "", ratio: "", goal: "≥ 0.95× raw", met: "n/a" });
  const appP50 = median(r.appRange) * 1000;
  const rawP50 = median(r.rawRange) * 1000;
  ctx.add({ operation: "1 MiB Range, p50", framevault: fmt.ms(appP50), baseline: `ranged GetObject ${fmt.ms(rawP50)}`, ratio: fmt.ratio(appP50, rawP50), goal: "≤ raw + 2 ms", met: verdict(appP50 - rawP50 <= 2) });
  ctx.add({ operation: "app server peak RSS during the 100 MiB transfers", framevault: peakRssMiB === null ? "n/a" : `${peakRssMiB} MiB`, baseline: "", ratio: "", goal: "", met: "" });
  return { peakRssMiB };
}
