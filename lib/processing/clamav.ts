import "server-only";
import net from "node:net";
import { toReadable, type ByteStream } from "./byte-stream";

export type ClamdTarget = { host: string; port: number } | { socketPath: string };

export type ScanResult = { clean: true } | { clean: false; signature: string };

export interface ClamdOptions {
  /** Deadline for the whole exchange, sending included. */
  timeoutMs?: number;
}

const SCAN_TIMEOUT_MS = 120_000;
const PING_TIMEOUT_MS = 3_000;

/**
 * Scans a stream with clamd's INSTREAM command (length-prefixed chunks, a zero length ends it), sent
 * chunk by chunk as it is read so a file of any size passes in constant memory. Fails closed: any
 * answer other than OK or FOUND (a size limit, a clamd error, a timeout) throws instead of passing.
 */
export async function scanStream(input: ByteStream, target: ClamdTarget, options: ClamdOptions = {}): Promise<ScanResult> {
  const source = toReadable(input);
  const reply = await converse(target, options.timeoutMs ?? SCAN_TIMEOUT_MS, async (send) => {
    await send(Buffer.from("zINSTREAM\0"));
    for await (const chunk of source) {
      const bytes = chunk as Buffer;
      // A zero-length chunk is the terminator: passing one on would end the scan early, unscanned bytes after it.
      if (bytes.length === 0) continue;
      await send(lengthPrefix(bytes.length), bytes);
    }
    await send(lengthPrefix(0));
  }).finally(() => source.destroy()); // stops reading (e.g. from S3) when clamd answered or timed out early
  if (reply === "stream: OK") return { clean: true };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found) return { clean: false, signature: found[1] };
  throw new Error(`clamd could not scan the file: ${reply}`);
}

/** True when clamd answers PING with PONG in time. */
export async function pingClamd(target: ClamdTarget, options: ClamdOptions = {}): Promise<boolean> {
  const reply = await converse(target, options.timeoutMs ?? PING_TIMEOUT_MS, (send) => send(Buffer.from("zPING\0"))).catch(() => "");
  return reply === "PONG";
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(length);
  return prefix;
}

/**
 * Opens a connection, runs `talk`, and resolves with clamd's NUL-terminated reply. clamd may answer
 * and hang up before we finish sending (e.g. over its StreamMaxLength); whatever it said wins.
 */
function converse(
  target: ClamdTarget,
  timeoutMs: number,
  talk: (send: (...parts: Buffer[]) => Promise<void>) => Promise<void>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect("socketPath" in target ? { path: target.socketPath } : { host: target.host, port: target.port });
    const received: Buffer[] = [];
    let connected = false;
    let settled = false;
    let writeFailed = false;
    const settle = (error: Error | null, reply = "") => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply);
    };
    const timer = setTimeout(() => settle(new Error(`clamd did not answer within ${timeoutMs} ms`)), timeoutMs);
    const replyText = () => Buffer.concat(received).toString("utf8").replace(/\0[\s\S]*$/, "").trim();
    const hungUp = (why: string) =>
      received.length
        ? settle(null, replyText())
        : settle(new Error(`clamd closed the connection without an answer (${why}); it does so for a stream over its StreamMaxLength`));

    socket.on("connect", () => (connected = true));
    socket.on("data", (data) => {
      received.push(data);
      if (data.includes(0)) settle(null, replyText());
    });
    socket.on("error", (err) => (connected ? hungUp(err.message) : settle(new Error(`clamd is unreachable: ${err.message}`))));
    socket.on("close", () => hungUp("closed"));

    const send = (...parts: Buffer[]) =>
      new Promise<void>((done, fail) => {
        if (settled) return fail(new Error("the clamd exchange is over"));
        parts.forEach((part, i) => socket.write(part, i < parts.length - 1 ? undefined : (err) => (err ? fail(err) : done())));
      }).catch((err: Error) => {
        writeFailed = true;
        throw err;
      });
    // A failed write means clamd hung up: its reply or the socket's own events say more than the write error.
    talk(send).catch((err: Error) => (writeFailed ? setImmediate(() => hungUp(err.message)) : settle(err)));
  });
}
