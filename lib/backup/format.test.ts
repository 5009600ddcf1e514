import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { decryptStream, encryptStream, hashingStream, keyId, ManifestSchema, parseEncryptionKey } from "./format";

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("backup format", () => {
  const key = randomBytes(32);

  it("encrypts and decrypts a stream, and hashes the plain bytes", async () => {
    const plain = randomBytes(300_000);
    const enc = encryptStream(key);
    const sealed = await collect(Readable.from([plain.subarray(0, 1000), plain.subarray(1000)]).pipe(enc.stream));
    expect(sealed.equals(plain)).toBe(false);
    const h = hashingStream();
    const out: Buffer[] = [];
    await pipeline(Readable.from([sealed]), decryptStream(key, enc.iv, enc.authTag()), h.stream, async function* (src) {
      for await (const c of src) out.push(c as Buffer);
    });
    expect(Buffer.concat(out).equals(plain)).toBe(true);
    expect(h.digest().bytes).toBe(plain.length);
  });

  it("refuses tampered bytes and a wrong key", async () => {
    const enc = encryptStream(key);
    const sealed = await collect(Readable.from([Buffer.from("rows\n")]).pipe(enc.stream));
    sealed[0] ^= 1;
    await expect(collect(Readable.from([sealed]).pipe(decryptStream(key, enc.iv, enc.authTag())))).rejects.toThrow();
    expect(keyId(key)).not.toBe(keyId(randomBytes(32)));
  });

  it("parses keys in hex or base64 and refuses other lengths", () => {
    expect(parseEncryptionKey(key.toString("hex")).equals(key)).toBe(true);
    expect(parseEncryptionKey(key.toString("base64")).equals(key)).toBe(true);
    expect(() => parseEncryptionKey("short")).toThrow(/32 bytes/);
  });

  it("rejects a manifest missing its tables", () => {
    expect(ManifestSchema.safeParse({ format: 1, setId: "x" }).success).toBe(false);
  });
});
