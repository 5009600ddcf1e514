import "server-only";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { env } from "@/lib/env";
import { decryptStream, hashingStream, parseEncryptionKey, type Manifest } from "./format";
import { readStream, type BackupStore } from "./store";

export interface VerificationResult {
  passed: boolean;
  /** What did not match, first ones first (at most 20). */
  problems: string[];
  objectsChecked: number;
  tablesChecked: number;
}

async function drain(source: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of source) void _;
}

/**
 * B3, first half: reads the set back from the store and checks it against its manifest. Every table dump is
 * decrypted (the GCM tag proves the stored bytes), decompressed and hashed; every object's stored bytes are
 * hashed and measured. A mismatch, a missing object or a bad tag is a problem; the set passes with none.
 */
export async function verifySet(store: BackupStore, manifest: Manifest, onProgress?: (done: number, total: number) => Promise<void>): Promise<VerificationResult> {
  const key = parseEncryptionKey(env().BACKUP_ENCRYPTION_KEY);
  const problems: string[] = [];
  const note = (p: string) => {
    if (problems.length < 20) problems.push(p);
  };
  for (const table of manifest.tables) {
    try {
      const stored = hashingStream();
      const plain = hashingStream();
      await pipeline(await readStream(store, table.key), stored.stream, decryptStream(key, table.iv, table.authTag), createGunzip(), plain.stream, drain);
      const got = plain.digest();
      if (got.sha256 !== table.sha256 || got.bytes !== table.bytes) note(`table ${table.name}: SHA-256 or size differs from the manifest`);
      else if (stored.digest().bytes !== table.storedBytes) note(`table ${table.name}: stored size differs from the manifest`);
    } catch (err) {
      note(`table ${table.name}: ${(err as Error).message}`);
    }
  }
  // Content is shared: each location is read once however many keys point at it.
  const locations = new Map<string, { sha256: string; size: number; keys: string[] }>();
  for (const o of manifest.objects) {
    const known = locations.get(o.location);
    if (known) known.keys.push(o.key);
    else locations.set(o.location, { sha256: o.sha256, size: o.size, keys: [o.key] });
  }
  const entries = [...locations.entries()];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < entries.length) {
      const [location, want] = entries[next++];
      try {
        const h = hashingStream();
        await pipeline((await readStream(store, location)) as Readable, h.stream, drain);
        const got = h.digest();
        if (got.sha256 !== want.sha256 || got.bytes !== want.size) {
          note(`${location} (${want.keys[0]}): stored bytes hash to ${got.sha256.slice(0, 12)}…/${got.bytes} B, the manifest says ${want.sha256.slice(0, 12)}…/${want.size} B`);
        }
      } catch (err) {
        note(`${location} (${want.keys[0]}): ${(err as Error).name === "NoSuchKey" ? "missing" : (err as Error).message}`);
      }
      done++;
      if (onProgress && done % 100 === 0) await onProgress(done, entries.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(env().BACKUP_PARALLEL_COPIES, entries.length)) }, worker));
  return { passed: problems.length === 0, problems, objectsChecked: entries.length, tablesChecked: manifest.tables.length };
}
