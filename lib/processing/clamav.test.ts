import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { ReadableStream } from "node:stream/web";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClamd, type LocalClamd } from "@/scripts/stack/clamd";
import { pingClamd, scanStream } from "./clamav";
import { eicar } from "./test-media";

const MiB = 1024 * 1024;
const SIGNATURE = "Framevault.Test.EICAR.UNOFFICIAL";

let dir: string;
let clamd: LocalClamd;
let strictClamd: LocalClamd;
let target: { host: string; port: number };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "clamav-"));
  // Only the shipped signature: fast and the same on every machine.
  [clamd, strictClamd] = await Promise.all([
    startClamd({ dir: path.join(dir, "clamd"), systemDatabaseDir: null }),
    startClamd({ dir: path.join(dir, "strict"), systemDatabaseDir: null, maxStreamBytes: MiB }),
  ]);
  target = { host: clamd.host, port: clamd.port };
});

afterAll(async () => {
  await Promise.all([clamd?.stop(), strictClamd?.stop()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A relay in front of clamd on a unix socket, counting the bytes that reach it. */
async function countingRelay(socketPath: string, to: { host: string; port: number }) {
  let forwarded = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(to.port, to.host);
    client.on("data", (data) => (forwarded += data.length));
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { forwarded: () => forwarded, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("scanStream", () => {
  it("finds the EICAR test file and names the signature", async () => {
    expect(await scanStream(Readable.from([eicar()]), target)).toEqual({ clean: false, signature: SIGNATURE });
  });

  it("passes a clean JPEG", async () => {
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#2a6" } }).jpeg().toBuffer();
    expect(await scanStream(Readable.from([jpeg]), target)).toEqual({ clean: true });
  });

  it("finds EICAR split across chunks, after an empty chunk, inside megabytes of other data", async () => {
    const virus = eicar();
    const chunks = [Buffer.alloc(3 * MiB, 7), Buffer.alloc(0), virus.subarray(0, 30), virus.subarray(30), Buffer.alloc(3 * MiB, 9)];
    expect(await scanStream(Readable.from(chunks), target)).toEqual({ clean: false, signature: SIGNATURE });
  });

  it("accepts a web ReadableStream (fetch or S3 SDK body)", async () => {
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(eicar()));
        controller.close();
      },
    });
    expect(await scanStream(web, target)).toEqual({ clean: false, signature: SIGNATURE });
  });

  it("streams 64 MiB to clamd as it is read, without holding it (over a unix socket)", async () => {
    const relay = await countingRelay(path.join(dir, "relay.sock"), target);
    let produced = 0;
    async function* lazyInput() {
      for (let i = 0; i < 64; i++) {
        // The second half is produced only once half of the first half has reached clamd: a scanner
        // that collected the input before sending would wait here for ever.
        if (i === 32) await until("16 MiB reached clamd", () => relay.forwarded() >= 16 * MiB, 20_000);
        produced += MiB;
        yield Buffer.alloc(MiB, i);
      }
    }
    const started = performance.now();
    const result = await scanStream(Readable.from(lazyInput()), { socketPath: path.join(dir, "relay.sock") });
    const ms = Math.round(performance.now() - started);
    console.log(`scanned 64 MiB streamed through clamd in ${ms} ms`);
    await relay.close();
    expect(result).toEqual({ clean: true });
    expect(produced).toBe(64 * MiB);
    expect(relay.forwarded()).toBeGreaterThan(64 * MiB);
  });

  it("fails, instead of passing, a stream over clamd's size limit, and stops reading it", async () => {
    let produced = 0;
    async function* input() {
      for (let i = 0; i < 64; i++) {
        produced += 256 * 1024;
        yield Buffer.alloc(256 * 1024, 1);
      }
    }
    const strict = { host: strictClamd.host, port: strictClamd.port };
    await expect(scanStream(Readable.from(input()), strict)).rejects.toThrow(/size limit exceeded|StreamMaxLength/);
    expect(produced).toBeLessThan(16 * MiB);
  });

  it("passes the input's own error on", async () => {
    async function* failing() {
      yield Buffer.alloc(1024);
      throw new Error("S3 connection reset");
    }
    await expect(scanStream(Readable.from(failing()), target)).rejects.toThrow("S3 connection reset");
  });

  it("gives up on a clamd that never answers", async () => {
    const silent = net.createServer((socket) => socket.on("data", () => {}));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    await expect(scanStream(Readable.from([eicar()]), { host: "127.0.0.1", port }, { timeoutMs: 300 })).rejects.toThrow(
      "clamd did not answer within 300 ms",
    );
    silent.close();
  });

  it("fails when clamd is unreachable", async () => {
    const closed = { host: "127.0.0.1", port: await closedPort() };
    await expect(scanStream(Readable.from([eicar()]), closed)).rejects.toThrow(/clamd is unreachable/);
  });
});

describe("pingClamd", () => {
  it("is true for a running clamd and false for nothing listening", async () => {
    expect(await pingClamd(target)).toBe(true);
    expect(await pingClamd({ host: "127.0.0.1", port: await closedPort() })).toBe(false);
    expect(await pingClamd({ socketPath: path.join(dir, "no-such.sock") })).toBe(false);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
