import { Readable } from "node:stream";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { convertImage, extractImageMetadata, ImageTooLargeError, isPixelLimitError, makeImageVariants, makePosterThumbnail } from "./image";
import { makePixelBomb } from "./test-media";

const RED = { r: 220, g: 20, b: 20 };
const BLUE = { r: 20, g: 20, b: 220 };

/** A camera JPEG: left half red, right half blue, stored sideways with EXIF orientation 6 (rotate 90° clockwise). */
async function cameraJpeg(width: number, height: number): Promise<Buffer> {
  const half = (background: typeof RED) => sharp({ create: { width: width / 2, height, channels: 3, background } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: RED } })
    .composite([{ input: await half(BLUE), left: width / 2, top: 0 }])
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: "Axis Communications", Model: "M3106-L Mk II" },
      IFD2: { DateTimeOriginal: "2024:05:06 07:08:09", OffsetTimeOriginal: "+02:00" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 31/1 12/1", GPSLongitudeRef: "E", GPSLongitude: "13/1 24/1 36/1" },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A 4000x3000 photo-like JPEG: noise does not compress away like a flat colour would. */
function largeJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

async function pixel(image: Buffer, x: number, y: number) {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return { r: data[at], g: data[at + 1], b: data[at + 2] };
}

const closeToColour = (colour: typeof RED) => ({
  r: expect.closeTo(colour.r, -1.5),
  g: expect.closeTo(colour.g, -1.5),
  b: expect.closeTo(colour.b, -1.5),
});

describe("extractImageMetadata", () => {
  it("reads dimensions as displayed, orientation, capture time, camera and position", async () => {
    const meta = await extractImageMetadata(await cameraJpeg(400, 300));
    expect(meta).toEqual({
      width: 300,
      height: 400,
      format: "jpeg",
      orientation: 6,
      capturedAt: "2024-05-06T05:08:09.000Z",
      cameraMake: "Axis Communications",
      cameraModel: "M3106-L Mk II",
      gps: { lat: expect.closeTo(52.52, 5), lon: expect.closeTo(13.41, 5) },
    });
  });

  it("reads the same from a stream", async () => {
    const jpeg = await cameraJpeg(400, 300);
    const chunks = [jpeg.subarray(0, 1000), jpeg.subarray(1000)];
    expect(await extractImageMetadata(Readable.from(chunks))).toEqual(await extractImageMetadata(jpeg));
  });

  it("gives just the dimensions for an image without EXIF", async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 4, background: "#08f8" } }).png().toBuffer();
    expect(await extractImageMetadata(png)).toEqual({ width: 64, height: 48, format: "png" });
  });

  it("rejects bytes that are not an image, and a stream that fails", async () => {
    await expect(extractImageMetadata(Buffer.from("definitely not an image"))).rejects.toThrow();
    async function* broken() {
      yield (await cameraJpeg(400, 300)).subarray(0, 500);
      throw new Error("S3 connection reset");
    }
    await expect(extractImageMetadata(Readable.from(broken()))).rejects.toThrow("S3 connection reset");
  });
});

describe("makeImageVariants", () => {
  it("makes an upright WebP thumbnail and preview without metadata", async () => {
    const { thumbnail, preview } = await makeImageVariants(await cameraJpeg(4000, 3000));
    expect(thumbnail).toMatchObject({ width: 240, height: 320, contentType: "image/webp" });
    expect(preview).toMatchObject({ width: 1200, height: 1600, contentType: "image/webp" });
    for (const variant of [thumbnail, preview]) {
      const meta = await sharp(variant.data).metadata();
      expect(meta).toMatchObject({ format: "webp", width: variant.width, height: variant.height });
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
    }
    // The stored left half (red) becomes the top once the 90° turn is applied.
    expect(await pixel(thumbnail.data, 120, 20)).toEqual(closeToColour(RED));
    expect(await pixel(thumbnail.data, 120, 300)).toEqual(closeToColour(BLUE));
  });

  it("never enlarges a small image", async () => {
    const small = await sharp({ create: { width: 200, height: 100, channels: 3, background: "#fff" } }).jpeg().toBuffer();
    const { thumbnail, preview } = await makeImageVariants(Readable.from([small]));
    expect([thumbnail.width, thumbnail.height, preview.width, preview.height]).toEqual([200, 100, 200, 100]);
  });

  it("makes both variants of a 4000x3000 JPEG", async () => {
    const jpeg = await largeJpeg();
    const started = performance.now();
    const { thumbnail, preview } = await makeImageVariants(jpeg);
    // Reported, not asserted: timing on a shared machine says nothing about correctness (`npm run bench` measures).
    console.log(`variants of a 4000x3000 JPEG (${(jpeg.length / 1048576).toFixed(1)} MiB): ${Math.round(performance.now() - started)} ms`);
    expect([thumbnail.width, thumbnail.height, preview.width, preview.height]).toEqual([320, 240, 1600, 1200]);
  });
});

describe("convertImage", () => {
  it.each([
    ["webp", "webp"],
    ["avif", "heif"],
    ["jpeg", "jpeg"],
    ["png", "png"],
  ] as const)("streams %s output, upright and without EXIF", async (format, decodedAs) => {
    const jpeg = await cameraJpeg(400, 300);
    const output = convertImage(Readable.from([jpeg]), { format, quality: 75 });
    const chunks: Buffer[] = [];
    for await (const chunk of output) chunks.push(chunk as Buffer);
    const meta = await sharp(Buffer.concat(chunks)).metadata();
    expect(meta).toMatchObject({ format: decodedAs, width: 300, height: 400 });
    expect(meta.exif).toBeUndefined();
  });

  it("fails the output stream when the input fails", async () => {
    async function* broken() {
      yield (await cameraJpeg(400, 300)).subarray(0, 500);
      throw new Error("S3 connection reset");
    }
    const output = convertImage(Readable.from(broken()), { format: "webp", quality: 75 });
    await expect(output.toArray()).rejects.toThrow("S3 connection reset");
  });
});

describe("the pixel limit (IMAGE_MAX_INPUT_PIXELS, 40 megapixels by default)", () => {
  let bomb: Buffer;
  beforeAll(async () => {
    bomb = await makePixelBomb();
  });

  it("is a small file that declares 256 megapixels", async () => {
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(await sharp(bomb).metadata()).toMatchObject({ width: 16000, height: 16000 });
  });

  it("refuses to read its metadata or make its variants, with a reason that names the limit", async () => {
    await expect(extractImageMetadata(bomb)).rejects.toThrow(ImageTooLargeError);
    await expect(extractImageMetadata(Readable.from([bomb]))).rejects.toThrow("more than 40,000,000 pixels");
    await expect(makeImageVariants(bomb)).rejects.toThrow(ImageTooLargeError);
    await expect(makePosterThumbnail(bomb)).rejects.toThrow(ImageTooLargeError);
  });

  it("fails a streaming conversion with sharp's pixel-limit error", async () => {
    const output = convertImage(Readable.from([bomb]), { format: "avif", quality: 50 });
    const failure = await output.toArray().catch((err: unknown) => err);
    expect(isPixelLimitError(failure)).toBe(true);
  });
});
