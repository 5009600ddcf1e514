// 1000 operations at once: 400 API uploads, 400 downloads (every byte checked by SHA-256) and 200 lists,
// counting errors, with p50/p99 over all of them and the app server's peak RSS.
import { fakeJpeg } from "../../scripts/testing/fixtures";
import { apiHeaders, apiUpload, KiB, readySmallFiles, sha256, type BenchContext } from "../lib/context";
import { expectStatus, percentile, runLoad, withPeakRss } from "../lib/load";
import { fmt, verdict } from "../lib/report";

export async function mixedOperations(ctx: BenchContext): Promise<void> {
  const scale = ctx.opts.quick ? 0.1 : 1;
  const uploads = Math.round(400 * scale);
  const downloads = Math.round(400 * scale);
  const lists = Math.round(200 * scale);
  const total = uploads + downloads + lists;
  const ready = await readySmallFiles(ctx, ctx.opts.quick ? 40 : 400);
  const bodies = Array.from({ length: uploads }, () => fakeJpeg(256 * KiB));
  // Interleaved, so all three kinds are in flight together from the start.
  const kinds = [...Array(uploads).fill("upload"), ...Array(downloads).fill("download"), ...Array(lists).fill("list")] as const;
  const order = kinds.map((k, i) => ({ k, i })).sort(() => Math.random() - 0.5);
  let mismatched = 0;
  ctx.gate.pass();
  ctx.log(`mixed: ${uploads} uploads, ${downloads} downloads, ${lists} lists, all at once`);
  const { result: r, peakRssMiB } = await withPeakRss(ctx.appPid, () =>
    runLoad(total, total, async (n) => {
      const { k, i } = order[n];
      if (k === "upload") {
        await apiUpload(ctx, `mixed-${i}.jpg`, bodies[i]);
      } else if (k === "download") {
        const file = ready[i % ready.length];
        const res = await expectStatus(await fetch(`${ctx.base}/api/v1/files/${file.id}/download`, { headers: apiHeaders(ctx) }), 200);
        if (sha256(new Uint8Array(await res.arrayBuffer())) !== file.sha256) {
          mismatched++;
          throw new Error(`download of ${file.id} differs from the upload`);
        }
      } else {
        const res = await expectStatus(await fetch(`${ctx.base}/api/v1/files?limit=20`, { headers: apiHeaders(ctx) }), 200);
        await res.arrayBuffer();
      }
    }),
  );
  const p99 = percentile(r.latenciesMs, 99);
  ctx.add({
    operation: `${total} concurrent operations (${uploads} uploads, ${downloads} downloads, ${lists} lists)`,
    framevault: `${r.errors} errors${r.firstError ? ` (${r.firstError})` : ""}, ${mismatched ? `${mismatched} downloads differ` : "all bytes identical"}; ${fmt.rate(r.perSecond, "ops/s")}, p50 ${fmt.ms(percentile(r.latenciesMs, 50))}, p99 ${fmt.ms(p99)}`,
    baseline: "",
    ratio: "",
    goal: "0 errors, identical, p99 < 2 s",
    met: verdict(r.errors === 0 && mismatched === 0 && p99 < 2000),
  });
  ctx.add({ operation: "app server peak RSS during the concurrent operations", framevault: peakRssMiB === null ? "n/a" : `${peakRssMiB} MiB`, baseline: "", ratio: "", goal: "", met: "" });
}
