import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { ReadableStream } from "node:stream/web";
import { describe, expect, it } from "vitest";
import { sha256OfStream } from "./checksum";

const MiB = 1024 * 1024;

/** Deterministic bytes made on demand: chunk i is filled with (i % 251). */
function* chunks(count: number, size: number): Generator<Buffer> {
  for (let i = 0; i < count; i++) yield Buffer.alloc(size, i % 251);
}

describe("sha256OfStream", () => {
  it("matches the published SHA-256 test vectors", async () => {
    expect(await sha256OfStream(Readable.from([Buffer.from("abc")]))).toEqual({
      sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      size: 3,
    });
    expect(await sha256OfStream(Readable.from([]))).toEqual({
      sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      size: 0,
    });
  });

  it("hashes 64 MiB produced lazily, equal to hashing the same bytes at once", async () => {
    const expected = createHash("sha256");
    for (const c of chunks(64, MiB)) expected.update(c);
    const result = await sha256OfStream(Readable.from(chunks(64, MiB)));
    expect(result).toEqual({ sha256: expected.digest("hex"), size: 64 * MiB });
  });

  it("accepts a web ReadableStream (fetch or S3 SDK body)", async () => {
    const parts = [new TextEncoder().encode("ab"), new TextEncoder().encode("c")];
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(p);
        controller.close();
      },
    });
    expect((await sha256OfStream(web)).sha256).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("rejects when the stream fails midway instead of returning a partial hash", async () => {
    async function* failing() {
      yield Buffer.from("partial");
      throw new Error("connection reset");
    }
    await expect(sha256OfStream(Readable.from(failing()))).rejects.toThrow("connection reset");
  });
});
