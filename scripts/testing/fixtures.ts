// Test inputs made on the spot, so no binary fixtures live in the repo.
import { createHash, randomBytes } from "node:crypto";
import sharp from "sharp";

export async function makeJpeg(width = 64, height = 48, seed = Math.random()): Promise<Buffer> {
  const color = { r: Math.floor(seed * 255), g: 120, b: 200 };
  return sharp({ create: { width, height, channels: 3, background: color } }).jpeg({ quality: 80 }).toBuffer();
}

export async function makePng(width = 32, height = 32): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 200, b: 90, alpha: 1 } } }).png().toBuffer();
}

/** A real 16×16 JPEG (269 bytes): processing decodes it, so files made from it become ready. */
const TINY_JPEG = Buffer.from(
  "/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAQABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABAX/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCYBqc//9k=",
  "base64",
);

/**
 * A JPEG of exactly `size` bytes, unique every time: the tiny JPEG followed by random bytes, which decoders
 * ignore after its end marker. Below 269 bytes it is only the JPEG's first bytes (a truncated image).
 */
export function fakeJpeg(size: number): Buffer {
  if (size <= TINY_JPEG.length) return Buffer.from(TINY_JPEG.subarray(0, size));
  return Buffer.concat([TINY_JPEG, randomBytes(size - TINY_JPEG.length)]);
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
