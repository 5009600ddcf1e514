/**
 * Reading a set back: its manifest, its table dumps (decrypted, decompressed, hashed as they stream) and its
 * objects (hashed as they stream, compared with the manifest before anything may point at them). Plain Node.
 */
import { pipeline } from "node:stream/promises";
import type { Readable, Writable } from "node:stream";
import { createGunzip } from "node:zlib";
import {
  decryptStream, hashingStream, keyId, manifestKey, ManifestSchema, type Manifest, type ManifestObject, type TableDump,
} from "../format";
import { isNotFound, listKeys, readObject, readText, writeObject, type Bucket } from "./source";

export class RestoreError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "RestoreError";
  }
}

/** The set's manifest, validated; a set without one is not a backup (a run that died half-way). */
export async function readManifest(store: Bucket, setId: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readText(store, manifestKey(setId));
  } catch (err) {
    if (isNotFound(err)) throw new RestoreError("manifest_missing", `set ${setId} has no manifest in the backup store: it is not a complete backup`);
    throw err;
  }
  const parsed = ManifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new RestoreError("manifest_invalid", `set ${setId}'s manifest does not match the backup format: ${parsed.error.issues[0]?.message}`);
  if (parsed.data.setId !== setId) throw new RestoreError("manifest_invalid", `the manifest under sets/${setId}/ names set ${parsed.data.setId}`);
  return parsed.data;
}

/** The newest set (by epoch) whose manifest is present: `--set latest`. */
export async function latestSetId(store: Bucket): Promise<string> {
  let best: Manifest | null = null;
  for await (const prefix of listKeys(store, "sets/", "/")) {
    const id = prefix.slice("sets/".length).replace(/\/$/, "");
    const manifest = await readManifest(store, id).catch((err) => {
      if (err instanceof RestoreError) return null;
      throw err;
    });
    if (manifest && (!best || Date.parse(manifest.epoch) > Date.parse(best.epoch))) best = manifest;
  }
  if (!best) throw new RestoreError("no_sets", "the backup store holds no complete set (no sets/<id>/manifest.json)");
  return best.setId;
}

export function assertKeyMatches(manifest: Manifest, key: Buffer): void {
  if (keyId(key) !== manifest.encryption.keyId) {
    throw new RestoreError("wrong_key", `the encryption key given is not the one set ${manifest.setId} was written with (key id ${keyId(key)}, the set's ${manifest.encryption.keyId})`);
  }
}

/**
 * Streams one table's plain COPY text into `sink` (a `COPY … FROM STDIN` writable), then checks its
 * SHA-256 and length against the manifest. GCM's tag is checked at the end of the stream, so tampered
 * bytes fail the pipeline; the caller's transaction then rolls the load back.
 */
export async function streamTableDump(store: Bucket, dump: TableDump, key: Buffer, sink: Writable): Promise<void> {
  const hash = hashingStream();
  const body = await readObject(store, dump.key);
  await pipeline(body, decryptStream(key, dump.iv, dump.authTag), createGunzip(), hash.stream, sink);
  const got = hash.digest();
  if (got.sha256 !== dump.sha256 || got.bytes !== dump.bytes) {
    throw new RestoreError("dump_mismatch", `table ${dump.name}: the dump's SHA-256/length (${got.sha256}/${got.bytes}) differ from the manifest's (${dump.sha256}/${dump.bytes})`);
  }
}

/**
 * Copies one object from the backup store to `target` at `targetKey`, hashing it on the way; when the
 * bytes are not the manifest's, the written object is removed and the copy fails. Callers copy an object
 * only where no row points yet, so wrong bytes are never visible behind a row.
 */
export async function copyObjectBack(store: Bucket, obj: ManifestObject, target: Bucket, targetKey = obj.key, remove?: (key: string) => Promise<void>): Promise<void> {
  const hash = hashingStream();
  let body: Readable;
  try {
    body = await readObject(store, obj.location);
  } catch (err) {
    if (isNotFound(err)) throw new RestoreError("object_missing", `${obj.location} (for ${obj.key}) is not in the backup store`);
    throw err;
  }
  const counted = body.pipe(hash.stream);
  body.on("error", (err) => counted.destroy(err));
  await writeObject(target, targetKey, counted, obj.size, obj.contentType);
  const got = hash.digest();
  if (got.sha256 !== obj.sha256 || got.bytes !== obj.size) {
    await remove?.(targetKey);
    throw new RestoreError("object_mismatch", `${obj.location} (for ${obj.key}) has SHA-256 ${got.sha256} (${got.bytes} bytes); the manifest says ${obj.sha256} (${obj.size} bytes)`);
  }
}

/** Runs `fn` over `items` with at most `parallel` in flight; the first failure stops new work and is thrown. */
export async function forEachParallel<T>(items: T[], parallel: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  if (failed !== null) throw failed;
}
