import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, fileVariants, type MediaInfo } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { extractImageMetadata, ImageTooLargeError, makeImageVariants, makePosterThumbnail, openImage } from "@/lib/processing/image";
import { extractPosterFrame, probeVideo } from "@/lib/processing/video";
import { variantObjectKey } from "@/lib/storage/s3";
import { loadVersion, presignedReadUrl, putImmutableObject, readObjectWhole } from "./stored-object";

export type MediaKind = "image" | "video";

/**
 * Reads EXIF (images) or ffprobe facts (video) and keeps them on the file; the capture time becomes
 * the file's `capturedAt`. Content that passed the type and virus checks but cannot be decoded (a
 * truncated JPEG, an MP4 without its index) or an image over the pixel limit is refused (`ok: false`,
 * the file ends rejected with the reason): no player could show it and retrying cannot help.
 */
export async function extractStoredMediaInfo(
  _ctx: ServiceContext,
  input: { fileId: string; versionId: string; kind: MediaKind },
): Promise<MediaInfo | { ok: false; reason: string }> {
  const { fileId, versionId, kind } = input;
  const found = await loadVersion(fileId, versionId);
  if (!found) throw new Error("The file version no longer exists.");
  const key = found.version.objectKey;
  let info: MediaInfo;
  if (kind === "image") {
    const bytes = await readObjectWhole(key);
    const meta = await extractImageMetadata(bytes).catch((err: Error) => err);
    if (meta instanceof ImageTooLargeError) return { ok: false, reason: meta.message };
    info = meta instanceof Error ? { kind, unreadable: meta.message } : { kind, ...meta };
  } else {
    info = await probeVideo(await presignedReadUrl(key)).then(
      (probe) => ({ kind, ...probe }),
      (err: Error) => ({ kind, unreadable: firstLine(err.message) }),
    );
  }
  if (info.unreadable) return { ok: false, reason: `The ${kind} cannot be decoded: ${info.unreadable}` };
  await getDb()
    .update(files)
    .set({ mediaInfo: info, ...(info.capturedAt ? { capturedAt: new Date(info.capturedAt) } : {}), updatedAt: new Date() })
    .where(eq(files.id, fileId));
  return info;
}

/**
 * Thumbnail and preview (images) or poster and thumbnail (video), WebP, upright, under immutable
 * keys. Re-running overwrites the same keys with the same recipe and upserts the rows.
 */
export async function makeStoredVariants(
  _ctx: ServiceContext,
  input: { fileId: string; versionId: string; kind: MediaKind; info: MediaInfo },
): Promise<string[] | { ok: false; reason: string }> {
  const { fileId, versionId, kind, info } = input;
  const found = await loadVersion(fileId, versionId);
  if (!found) throw new Error("The file version no longer exists.");
  const key = found.version.objectKey;
  const made: { name: string; data: Buffer; width: number; height: number }[] = [];
  if (kind === "image") {
    // Headers can be whole while the pixels are not (a truncated JPEG): only decoding finds out.
    const bytes = await readObjectWhole(key);
    const rendered = await makeImageVariants(bytes).catch((err: Error) => err);
    if (rendered instanceof Error) return { ok: false, reason: `The image cannot be decoded: ${firstLine(rendered.message)}` };
    const { thumbnail, preview } = rendered;
    made.push({ name: "thumbnail", ...thumbnail }, { name: "preview", ...preview });
  } else {
    const poster = await extractPosterFrame(await presignedReadUrl(key), { durationSeconds: info.durationSeconds });
    const posterInfo = await openImage(poster).metadata();
    made.push(
      { name: "poster", data: poster, width: posterInfo.width ?? 0, height: posterInfo.height ?? 0 },
      { name: "thumbnail", ...(await makePosterThumbnail(poster)) },
    );
  }
  for (const variant of made) {
    const objectKey = variantObjectKey(versionId, variant.name, "webp");
    await putImmutableObject(objectKey, variant.data, "image/webp");
    const row = { objectKey, contentType: "image/webp", size: variant.data.length, width: variant.width, height: variant.height };
    await getDb()
      .insert(fileVariants)
      .values({ versionId, name: variant.name, ...row })
      .onConflictDoUpdate({ target: [fileVariants.versionId, fileVariants.name], set: row });
  }
  return made.map((v) => v.name);
}

function firstLine(message: string): string {
  return message.split("\n")[0].slice(0, 500);
}
