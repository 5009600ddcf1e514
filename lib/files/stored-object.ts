import "server-only";
import type { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput, PutObjectCommand } from "@aws-sdk/client-s3";
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

/** HeadObject, with a missing object as null rather than an error. */
export async function headObjectOrNull(key: string): Promise<HeadObjectCommandOutput | null> {
  return s3()
    .internal.send(new HeadObjectCommand({ Bucket: mediaBucket(), Key: key }))
    .catch((err) => {
      if (err?.$metadata?.httpStatusCode === 404) return null;
      throw err;
    });
}

/** Deletes an object on a path that is already failing: its own error must not hide the first one. */
export async function deleteObjectQuietly(key: string): Promise<void> {
  await s3().internal.send(new DeleteObjectCommand({ Bucket: mediaBucket(), Key: key })).catch(() => {});
}

/** The object's bytes as a stream, with the ETag and length of exactly the bytes being streamed. */
export async function openObject(key: string, range?: string): Promise<{ body: Readable; etag: string | null; contentLength: number | null }> {
  const object = await s3().internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: key, Range: range }));
  if (!object.Body) throw new Error(`Storage returned no content for ${key}.`);
  // On Node the SDK's body is the HTTP response stream itself.
  return { body: object.Body as Readable, etag: object.ETag ?? null, contentLength: object.ContentLength ?? null };
}

export async function readObject(key: string, range?: string): Promise<Readable> {
  return (await openObject(key, range)).body;
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
