import "server-only";
import type { Readable } from "node:stream";
import sharp, { type Sharp } from "sharp";
import { env } from "@/lib/env";
import { parseExif, type ExifFacts } from "./exif";

export interface ImageMetadata extends ExifFacts {
  /** As displayed, i.e. after the EXIF orientation is applied (a portrait phone photo is taller than wide). */
  width: number;
  height: number;
  /** sharp's name for the decoded format: "jpeg", "png", "webp", "heif" (HEIC and AVIF), ... */
  format: string;
  /** EXIF orientation 1–8 when the file carries one. */
  orientation?: number;
}

export interface ImageVariant {
  data: Buffer;
  width: number;
  height: number;
  contentType: "image/webp";
}

export type ImageOutputFormat = "webp" | "avif" | "jpeg" | "png";

export const THUMBNAIL_MAX_SIDE = 320;
export const PREVIEW_MAX_SIDE = 1600;

/**
 * Every sharp operation starts here, so none decodes more than IMAGE_MAX_INPUT_PIXELS: a PNG of a few
 * hundred KiB can declare 16000×16000 pixels, which decoded would take gigabytes and pin a core.
 */
export function openImage(input?: Buffer): Sharp {
  const options = { limitInputPixels: env().IMAGE_MAX_INPUT_PIXELS };
  // Without an input, sharp takes its options alone and reads a stream piped into it.
  return input ? sharp(input, options) : sharp(options);
}

/** An image larger than the pixel limit: a definite answer about the content, not worth retrying. */
export class ImageTooLargeError extends Error {
  constructor() {
    super(`The image has more than ${env().IMAGE_MAX_INPUT_PIXELS.toLocaleString("en")} pixels, the most that is decoded.`);
    this.name = "ImageTooLargeError";
  }
}

/** sharp's refusal for images over `limitInputPixels`, wherever it surfaces (a promise or a stream). */
export function isPixelLimitError(err: unknown): boolean {
  return err instanceof ImageTooLargeError || (err instanceof Error && /exceeds pixel limit/i.test(err.message));
}

/**
 * sharp collects a streamed input whole before decoding anyway (libvips needs random access for most
 * formats), so reading it into a Buffer first costs nothing more and gives the stream's errors a
 * place to land; MAX_UPLOAD_BYTES bounds the size.
 */
async function loadWhole(input: Buffer | Readable): Promise<Sharp> {
  if (Buffer.isBuffer(input)) return openImage(input);
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  return openImage(Buffer.concat(chunks));
}

/** Throws ImageTooLargeError for sharp's pixel-limit refusal, anything else unchanged. */
function explainPixelLimit(err: unknown): never {
  throw isPixelLimitError(err) ? new ImageTooLargeError() : err;
}

export async function extractImageMetadata(input: Buffer | Readable): Promise<ImageMetadata> {
  const meta = await (await loadWhole(input)).metadata().catch(explainPixelLimit);
  if (!meta.format || !meta.width || !meta.height) throw new Error("The image has no readable dimensions.");
  const result: ImageMetadata = {
    width: meta.autoOrient?.width ?? meta.width,
    height: meta.autoOrient?.height ?? meta.height,
    format: meta.format,
    ...(await parseExif(meta.exif)),
  };
  if (meta.orientation) result.orientation = meta.orientation;
  return result;
}

/**
 * A thumbnail for grids and a preview for the viewer, both WebP, upright and without metadata:
 * a variant may be shown to people who should not learn where a photo was taken. The image is
 * decoded once: the upright pixels at preview size (8 bits per channel, sRGB) feed both encodings.
 */
export async function makeImageVariants(input: Buffer | Readable): Promise<{ thumbnail: ImageVariant; preview: ImageVariant }> {
  const source = await loadWhole(input);
  const { data, info } = await fitInside(source.autoOrient(), PREVIEW_MAX_SIDE)
    .toColourspace("srgb")
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true })
    .catch(explainPixelLimit);
  const decoded = () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const [thumbnail, preview] = await Promise.all([
    encodeWebp(fitInside(decoded(), THUMBNAIL_MAX_SIDE), 75),
    encodeWebp(decoded(), 82),
  ]);
  return { thumbnail, preview };
}

function fitInside(pipeline: Sharp, maxSide: number): Sharp {
  return pipeline.resize({ width: maxSide, height: maxSide, fit: "inside", withoutEnlargement: true });
}

async function encodeWebp(pipeline: Sharp, quality: number): Promise<ImageVariant> {
  const { data, info } = await pipeline.webp({ quality }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, contentType: "image/webp" };
}

/**
 * A streaming conversion for downloads in another format. Orientation is applied because the output
 * carries no EXIF (so no location either), and PNG stays lossless: `quality` applies to lossy formats.
 * An input over the pixel limit fails the stream with sharp's pixel-limit error (see isPixelLimitError).
 */
export function convertImage(input: Readable, options: { format: ImageOutputFormat; quality: number }): Sharp {
  const { quality } = options;
  const pipeline = openImage().autoOrient();
  input.once("error", (err) => pipeline.destroy(err));
  input.pipe(pipeline);
  switch (options.format) {
    case "webp":
      return pipeline.webp({ quality });
    case "avif":
      // libvips' default effort (4) takes several seconds per megapixel; 2 keeps a download waiting
      // seconds, not tens of seconds, for files only slightly larger.
      return pipeline.avif({ quality, effort: 2 });
    case "jpeg":
      return pipeline.jpeg({ quality, mozjpeg: true });
    case "png":
      return pipeline.png();
  }
}

/** A small WebP of a video's poster frame for grids. */
export async function makePosterThumbnail(poster: Buffer): Promise<ImageVariant> {
  const { data, info } = await openImage(poster)
    .resize({ width: THUMBNAIL_MAX_SIDE, height: THUMBNAIL_MAX_SIDE, fit: "inside", withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer({ resolveWithObject: true })
    .catch(explainPixelLimit);
  return { data, width: info.width, height: info.height, contentType: "image/webp" };
}
