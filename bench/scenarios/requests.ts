// Request rates at concurrency 32: presigning one browser PUT (`POST /api/uploads/sign`) against the SDK's
// getSignedUrl alone, and `GET /api/v1/files/{id}` against the same row read straight from Postgres.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { apiHeaders, browserHeaders, readySmallFiles, type BenchContext } from "../lib/context";
import { expectStatus, percentile, runLoad, type LoadResult } from "../lib/load";
import { fmt, verdict } from "../lib/report";

const CONCURRENCY = 32;

function describe(r: LoadResult): string {
  const err = r.errors ? `, ${r.errors} errors (${r.firstError})` : "";
  return `${fmt.rate(r.perSecond, "req/s")}, p50 ${fmt.ms(percentile(r.latenciesMs, 50))}, p99 ${fmt.ms(percentile(r.latenciesMs, 99))}${err}`;
}

export async function presignRate(ctx: BenchContext): Promise<void> {
  const count = ctx.opts.quick ? 400 : 3000;
  const json = { "content-type": "application/json" };
  const created = await expectStatus(await fetch(`${ctx.base}/api/uploads`, { method: "POST", headers: browserHeaders(ctx, json), body: JSON.stringify({ filename: "presign.jpg", size: 4096, mimeType: "image/jpeg" }) }), 201);
  const { key } = (await created.json()) as { key: string };
  const body = JSON.stringify({ method: "PUT", key });
  ctx.log(`presign: ${count} signs at concurrency ${CONCURRENCY}`);
  const app = await runLoad(count, CONCURRENCY, async () => {
    const res = await expectStatus(await fetch(`${ctx.base}/api/uploads/sign`, { method: "POST", headers: browserHeaders(ctx, json), body }), 200);
    await res.arrayBuffer();
  });
  const raw = await runLoad(count, CONCURRENCY, async () => {
    await getSignedUrl(ctx.s3, new PutObjectCommand({ Bucket: ctx.bucket, Key: key, ContentType: "image/jpeg", ContentLength: 4096 }), { expiresIn: 300 });
  });
  ctx.add({
    operation: `presign (\`POST /api/uploads/sign\`), c${CONCURRENCY}`,
    framevault: describe(app),
    baseline: `SDK getSignedUrl alone ${fmt.rate(raw.perSecond, "/s")}`,
    ratio: fmt.ratio(app.perSecond, raw.perSecond),
    goal: "≥ 1500 req/s",
    met: verdict(app.errors === 0 && app.perSecond >= 1500),
  });
}

export async function fileInfoRate(ctx: BenchContext): Promise<void> {
  const count = ctx.opts.quick ? 400 : 3000;
  const [file] = await readySmallFiles(ctx, ctx.opts.quick ? 40 : 400);
  ctx.log(`GET /api/v1/files/{id}: ${count} at concurrency ${CONCURRENCY}`);
  const app = await runLoad(count, CONCURRENCY, async () => {
    const res = await expectStatus(await fetch(`${ctx.base}/api/v1/files/${file.id}`, { headers: apiHeaders(ctx) }), 200);
    await res.arrayBuffer();
  });
  const raw = await runLoad(count, CONCURRENCY, async () => {
    await ctx.sql`select * from files where id = ${file.id} and owner_id = ${ctx.user.id} and deleted_at is null`;
  });
  ctx.add({
    operation: `\`GET /api/v1/files/{id}\`, c${CONCURRENCY}`,
    framevault: describe(app),
    baseline: `the row from Postgres ${fmt.rate(raw.perSecond, "/s")}`,
    ratio: fmt.ratio(app.perSecond, raw.perSecond),
    goal: "≥ 1000 req/s",
    met: verdict(app.errors === 0 && app.perSecond >= 1000),
  });
}

/**
 * The floor under every request: `GET /api/health/live` does no I/O, so its rate is what Next's routing, the
 * proxy and the response alone allow on this machine, beside a bare node:http server answering the same JSON
 * in the bench's own process. No route can go faster than this row's figure.
 */
export async function floorRate(ctx: BenchContext): Promise<void> {
  const count = ctx.opts.quick ? 400 : 3000;
  ctx.log(`floor: GET /api/health/live ${count} at concurrency ${CONCURRENCY}`);
  const app = await runLoad(count, CONCURRENCY, async () => {
    const res = await expectStatus(await fetch(`${ctx.base}/api/health/live`), 200);
    await res.arrayBuffer();
  });
  // One at a time: the latency every request pays before doing anything (compare the 1 MiB Range row).
  const single = await runLoad(200, 1, async () => {
    const res = await expectStatus(await fetch(`${ctx.base}/api/health/live`), 200);
    await res.arrayBuffer();
  });
  const body = JSON.stringify({ status: "ok" });
  const bare = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(body);
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  try {
    const raw = await runLoad(count, CONCURRENCY, async () => {
      const res = await fetch(url);
      await res.arrayBuffer();
    });
    const rawSingle = await runLoad(200, 1, async () => {
      const res = await fetch(url);
      await res.arrayBuffer();
    });
    ctx.add({
      operation: `floor: \`GET /api/health/live\` (no I/O: the request path alone), c${CONCURRENCY}`,
      framevault: `${describe(app)}; one at a time p50 ${fmt.ms(percentile(single.latenciesMs, 50))}`,
      baseline: `bare node:http, same JSON ${fmt.rate(raw.perSecond, "req/s")}; one at a time p50 ${fmt.ms(percentile(rawSingle.latenciesMs, 50))}`,
      ratio: fmt.ratio(app.perSecond, raw.perSecond),
      goal: "(ceiling for every route)",
      met: "",
    });
  } finally {
    bare.close();
  }
}
