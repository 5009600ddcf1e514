import "server-only";
import type { Readable } from "node:stream";
import { NODE_BODY_HEADER, parkNodeBody } from "@/lib/api/internal-headers.mjs";

// Enough to keep the socket to S3 busy while the client's socket drains, small enough that a slow client
// holds at most this much of its download in memory.
const BUFFERED_BYTES = 1024 * 1024;

/**
 * A storage response body as the web stream a Response takes, with backpressure counted in bytes. The SDK's
 * `transformToWebStream()` is Node 20's `Readable.toWeb`, which counts its high-water mark of 16384 in
 * chunks, not bytes: a client reading slowly made it pull up to 16384 chunks of the object into memory.
 */
function toWebStream(body: Readable): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        body.on("data", (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) body.pause();
        });
        body.once("end", () => controller.close());
        body.once("error", (err) => controller.error(err));
        body.pause();
      },
      pull() {
        body.resume();
      },
      cancel() {
        body.destroy();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: BUFFERED_BYTES }),
  );
}

/**
 * A response whose body is a storage stream: piped to the socket by server.mjs where it runs (no web stream in
 * between, see NODE_BODY_HEADER), else as a web stream.
 */
export function streamedResponse(body: Readable, status: number, headers: Headers): Response {
  const token = parkNodeBody(body);
  if (!token) return new Response(toWebStream(body), { status, headers });
  headers.set(NODE_BODY_HEADER, token);
  return new Response(null, { status, headers });
}
