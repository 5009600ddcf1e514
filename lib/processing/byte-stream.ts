import "server-only";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";

/** What an S3 GetObject body, a fetch body or a file stream can be handed over as. */
export type ByteStream = Readable | ReadableStream<Uint8Array>;

export function toReadable(stream: ByteStream): Readable {
  return stream instanceof Readable ? stream : Readable.fromWeb(stream);
}
