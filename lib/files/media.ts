import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, fileVariants, fileVersions, type MediaInfo } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { extractImageMetadata, ImageTooLargeError, makeImageVariants, makePosterThumbnail, openImage } from "@/lib/processing/image";
import { extractPosterFrame, probeVideo } from "@/lib/processing/video";
import { variantObjectKey } from "@/lib/storage/s3";
import { loadVersion, presignedReadUrl, putImmutableObject, readObjectWhole } from "./stored-object";

export type MediaKind = "image" | "video";

/**
 * Metadata and variants, one step, from one read of the object. Images: the bytes are read once (the
 * pixel limit bounds what is decoded; MAX_UPLOAD_BYTES what is read), EXIF comes from the header, and
 * one decode feeds both the thumbnail and the preview. Video: ffprobe and ffmpeg read ranges of a
 * presigned URL, so a video is never held in memory. EXIF or ffprobe facts are kept on the file (the
 * capture time becomes `capturedAt`); thumbnail and preview (images) or poster and thumbnail (video)
 * go to immutable keys as WebP, upright. Content that passed the type and virus checks but cannot be
 * decoded (a truncated JPEG, an MP4 without its index) or an image over the pixel limit is refused
 * (`ok: false`, the file ends rejected with the reason): no player could show it and retrying cannot
 * help. Re-running overwrites the same keys with the same recipe and upserts the rows.
 */
export async function extractMetadataAndMakeVariants(
  _ctx: ServiceContext,
  input: { fileId: string; versionId: string; kind: MediaKind },
): Promise<{ ok: true; variants: string[] } | { ok: false; reason: string }> {
  const { fileId, versionId, kind } = input;
  const found = await loadVersion(fileId, versionId);
  if (!found) throw new Error("The file version no longer exists.");
  const key = found.version.objectKey;
  const made: { name: string; data: Buffer; width: number; height: number }[] = [];
  let info: MediaInfo;
  if (kind === "image") {
    const bytes = await readObjectWhole(key);
    const meta = await extractImageMetadata(bytes).catch((err: Error) => err);
    if (meta instanceof ImageTooLargeError) return { ok: false, reason: meta.message };
    info = meta instanceof Error ? { kind, unreadable: meta.message } : { kind, ...meta };
    if (info.unreadable) return { ok: false, reason: `The image cannot be decoded: ${info.unreadable}` };
    // Headers can be whole while the pixels are not (a truncated JPEG): only decoding finds out.
    const rendered = await makeImageVariants(bytes).catch((err: Error) => err);
    if (rendered instanceof Error) return { ok: false, reason: `The image cannot be decoded: ${firstLine(rendered.message)}` };
    made.push({ name: "thumbnail", ...rendered.thumbnail }, { name: "preview", ...rendered.preview });
  } else {
    const url = await presignedReadUrl(key);
    info = await probeVideo(url).then(
      (probe) => ({ kind, ...probe }),
      (err: Error) => ({ kind, unreadable: firstLine(err.message) }),
    );
    if (info.unreadable) return { ok: false, reason: `The video cannot be decoded: ${info.unreadable}` };
    const poster = await extractPosterFrame(url, { durationSeconds: info.durationSeconds });
    const posterInfo = await openImage(poster).metadata();
    made.push(
      { name: "poster", data: poster, width: posterInfo.width ?? 0, height: posterInfo.height ?? 0 },
      { name: "thumbnail", ...(await makePosterThumbnail(poster)) },
    );
  }
  await Promise.all(made.map((variant) => putImmutableObject(variantObjectKey(versionId, variant.name, "webp"), variant.data, "image/webp")));
  const rows = made.map((v) => ({
    versionId,
    name: v.name,
    objectKey: variantObjectKey(versionId, v.name, "webp"),
    contentType: "image/webp",
    size: v.data.length,
    width: v.width,
    height: v.height,
  }));
  await getDb().transaction(async (tx) => {
    await tx.update(fileVersions).set({ mediaInfo: info }).where(eq(fileVersions.id, versionId));
    // A new version's facts reach the file when it becomes current (makeCurrent).
    await tx
      .update(files)
      .set({ mediaInfo: info, ...(info.capturedAt ? { capturedAt: new Date(info.capturedAt) } : {}), updatedAt: new Date() })
      .where(and(eq(files.id, fileId), eq(files.currentVersionId, versionId)));
    await tx
      .insert(fileVariants)
      .values(rows)
      .onConflictDoUpdate({
        target: [fileVariants.versionId, fileVariants.name],
        set: {
          objectKey: sql`excluded.object_key`,
          contentType: sql`excluded.content_type`,
          size: sql`excluded.size`,
          width: sql`excluded.width`,
          height: sql`excluded.height`,
        },
      });
  });
  return { ok: true, variants: made.map((v) => v.name) };
}

function firstLine(message: string): string {
  return message.split("\n")[0].slice(0, 500);
}
