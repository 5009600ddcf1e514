import "server-only";
import { createHash } from "node:crypto";
import { toReadable, type ByteStream } from "./byte-stream";

/** SHA-256 (hex) and byte count of a stream, read chunk by chunk so any size fits in constant memory. */
export async function sha256OfStream(stream: ByteStream): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of toReadable(stream)) {
    hash.update(chunk as Uint8Array);
    size += (chunk as Uint8Array).byteLength;
  }
  return { sha256: hash.digest("hex"), size };
}
