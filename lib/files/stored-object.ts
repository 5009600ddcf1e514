import "server-only";
import type { Readable } from "node:stream";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, fileVersions, type FileRow, type FileVersionRow } from "@/db/schema";
import { IMMUTABLE_CACHE_CONTROL, mediaBucket, s3 } from "@/lib/storage/s3";

/** The file and the version processing works on; null when either is gone. */
export async function loadVersion(fileId: string, versionId: string): Promise<{ file: FileRow; version: FileVersionRow } | null> {
  const [row] = await getDb()
    .select({ file: files, version: fileVersions })
    .from(fileVersions)
    .innerJoin(files, eq(files.id, fileVersions.fileId))
    .where(and(eq(fileVersions.id, versionId), eq(fileVersions.fileId, fileId)));
  return row ?? null;
}

export async function readObject(key: string, range?: string): Promise<Readable> {
  const object = await s3().internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: key, Range: range }));
  if (!object.Body) throw new Error(`Storage returned no content for ${key}.`);
  // On Node the SDK's body is the HTTP response stream itself.
  return object.Body as Readable;
}

export async function readObjectWhole(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await readObject(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A short-lived GET URL for tools that read over HTTP with ranges (ffprobe, ffmpeg). */
export function presignedReadUrl(key: string, expiresIn = 600): Promise<string> {
  return getSignedUrl(s3().internal, new GetObjectCommand({ Bucket: mediaBucket(), Key: key }), { expiresIn });
}

export async function putImmutableObject(key: string, body: Buffer, contentType: string): Promise<void> {
  await s3().internal.send(
    new PutObjectCommand({ Bucket: mediaBucket(), Key: key, Body: body, ContentType: contentType, CacheControl: IMMUTABLE_CACHE_CONTROL }),
  );
}
