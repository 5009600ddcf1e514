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

/** Random bytes behind a JPEG signature: accepted as image/jpeg by extension and declared type. */
export function fakeJpeg(size: number): Buffer {
  const buf = randomBytes(size);
  buf[0] = 0xff;
  buf[1] = 0xd8;
  buf[2] = 0xff;
  return buf;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
