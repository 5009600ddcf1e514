// The bench's pipeline scenario: the processing pipeline's images per second against bare sharp making the same
// two WebP sizes plus one clamd scan of the same bytes, at the same concurrency, from one run, with peak memory.
// The pipeline runs in the bench's process through the same lib functions the Inngest steps call, against the
// real Postgres, S3 (Ceph RGW or s3rver) and clamd the bench started (their variables already in process.env),
// so workflow-engine HTTP is not counted.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { Readable } from "node:stream";
import sharp from "sharp";

const IMAGES = Number(process.env.BENCH_IMAGES ?? 48);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? Math.max(2, os.availableParallelism()));
const log = (line: string) => console.log(`[bench] ${line}`);

/** Samples RSS every 20 ms and keeps the highest value seen while `work` runs. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, peakRssMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / 1048576) };
  } finally {
    clearInterval(timer);
  }
}

async function withConcurrency<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** Camera-like 3072x2048 JPEGs: noise so they do not compress away, a different tint each so none deduplicate. */
function makePhotos(): Promise<Buffer[]> {
  return Promise.all(Array.from({ length: IMAGES }, (_, i) =>
    sharp({ create: { width: 3072, height: 2048, channels: 3, background: { r: (i * 37) % 255, g: 90, b: 160 }, noise: { type: "gaussian", mean: 110, sigma: 35 } } })
      .jpeg({ quality: 85 })
      .withExif({ IFD0: { Make: "Bench", Model: `cam-${i}` }, IFD2: { DateTimeOriginal: "2024:05:06 07:08:09" } })
      .toBuffer()));
}

export interface PipelineResult {
  images: number;
  concurrency: number;
  bare: { rate: number; seconds: number; peakRssMiB: number };
  pipeline: { rate: number; seconds: number; peakRssMiB: number };
}

export async function benchPipeline(): Promise<PipelineResult> {
  // Loaded after the stack is up: lib/env.ts reads the environment on first use.
  const { PutObjectCommand } = await import("@aws-sdk/client-s3");
  const { getDb } = await import("../db/client");
  const { users } = await import("../db/schema");
  const { recordUploadedFile } = await import("../lib/files/record-upload");
  const { mediaBucket, originalObjectKey, s3 } = await import("../lib/storage/s3");
  const { extractMetadataAndMakeVariants } = await import("../lib/files/media");
  const p = await import("../lib/files/processing");
  const { PREVIEW_MAX_SIDE, THUMBNAIL_MAX_SIDE } = await import("../lib/processing/image");
  const { scanStream } = await import("../lib/processing/clamav");
  const { env } = await import("../lib/env");
  const clamd = { host: env().CLAMD_HOST, port: env().CLAMD_PORT };

  log(`making ${IMAGES} 3072x2048 JPEGs; concurrency ${CONCURRENCY} (${os.availableParallelism()} CPUs)`);
  const photos = await makePhotos();
  const [owner] = await getDb().select().from(users).limit(1);
  const uploads: { fileId: string; versionId: string; bytes: Buffer }[] = [];
  for (const [i, bytes] of photos.entries()) {
    const fileId = randomUUID();
    const versionId = randomUUID();
    const objectKey = originalObjectKey(fileId, versionId);
    await s3().internal.send(new PutObjectCommand({ Bucket: mediaBucket(), Key: objectKey, Body: bytes, ContentType: "image/jpeg" }));
    await getDb().transaction((tx) =>
      recordUploadedFile(tx, { actor: { type: "system", name: "bench" } }, {
        fileId, versionId, ownerId: owner.id, objectKey, filename: `bench-${i}.jpg`, mimeType: "image/jpeg", size: bytes.length, storageEtag: null, via: "api",
      }));
    uploads.push({ fileId, versionId, bytes });
  }

  const bare = await measured(() =>
    withConcurrency(uploads, CONCURRENCY, async ({ bytes }) => {
      const source = sharp(bytes);
      await Promise.all([
        scanStream(Readable.from([bytes]), clamd).then((r) => { if (!r.clean) throw new Error("infected?"); }),
        source.clone().autoOrient().resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: "inside" }).webp({ quality: 75 }).toBuffer(),
        source.clone().autoOrient().resize({ width: PREVIEW_MAX_SIDE, height: PREVIEW_MAX_SIDE, fit: "inside" }).webp({ quality: 82 }).toBuffer(),
      ]);
    }));

  // The steps of inngest/process-uploaded-file.ts, in order.
  const pipeline = await measured(() =>
    withConcurrency(uploads, CONCURRENCY, async ({ fileId, versionId }) => {
      const ctx = { actor: { type: "system", name: "bench" } } as const;
      const content = await p.verifyAndStoreContent(ctx, { fileId, versionId });
      if (!content.ok) throw new Error(content.reason);
      const type = await p.scanAndSniffStoredVersion(ctx, { fileId, versionId });
      if (!type.ok) throw new Error(type.reason);
      const media = await extractMetadataAndMakeVariants(ctx, { fileId, versionId, kind: "image" });
      if (!media.ok) throw new Error(media.reason);
      await p.recordProcessingOutcome(fileId, "ready", null, versionId);
    }));

  const bareRate = IMAGES / bare.seconds;
  const pipelineRate = IMAGES / pipeline.seconds;
  console.log("");
  console.log(`bare sharp + scan (thumbnail, preview, clamd): ${bareRate.toFixed(2)} images/s  (${bare.seconds.toFixed(1)} s, peak RSS ${bare.peakRssMiB} MiB)`);
  console.log(`pipeline (all steps, S3, clamd, DB): ${pipelineRate.toFixed(2)} images/s  (${pipeline.seconds.toFixed(1)} s, peak RSS ${pipeline.peakRssMiB} MiB)`);
  console.log(`ratio pipeline / bare: ${(pipelineRate / bareRate).toFixed(2)}  (${IMAGES} images, concurrency ${CONCURRENCY})`);
  return {
    images: IMAGES,
    concurrency: CONCURRENCY,
    bare: { rate: bareRate, seconds: bare.seconds, peakRssMiB: bare.peakRssMiB },
    pipeline: { rate: pipelineRate, seconds: pipeline.seconds, peakRssMiB: pipeline.peakRssMiB },
  };
}
