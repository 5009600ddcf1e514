// Camera-like photos for the processing scenario.
import sharp from "sharp";

/** 3072x2048 JPEGs of noise (so they do not compress away), each a different tint and all distinct (no dedup). */
export function makePhotos(count: number, tag: string): Promise<Buffer[]> {
  return Promise.all(Array.from({ length: count }, (_, i) =>
    sharp({ create: { width: 3072, height: 2048, channels: 3, background: { r: (i * 37) % 255, g: 90, b: 160 }, noise: { type: "gaussian", mean: 110, sigma: 35 } } })
      .jpeg({ quality: 85 })
      .withExif({ IFD0: { Make: "Bench", Model: `${tag}-${i}` }, IFD2: { DateTimeOriginal: "2024:05:06 07:08:09" } })
      .toBuffer()));
}
