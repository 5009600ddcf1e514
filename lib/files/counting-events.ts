import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, type FileRow } from "@/db/schema";
import { notFound } from "@/lib/api/errors";
import type { ServiceContext } from "@/lib/auth/actor";
import { fileAccessConditions } from "./access";
import { toFileSummary } from "./serialize";

/** An event has a handful of snapshots and clips; a runaway one is cut here (the summary still counts everything). */
export const EVENT_MEDIA_LIMIT = 500;

export type MediaKind = "image" | "video" | "other";

function mediaKind(mimeType: string): MediaKind {
  if (mimeType.startsWith("image/")) return "image";
  if (mimeType.startsWith("video/")) return "video";
  return "other";
}

function toEventMedia(row: FileRow) {
  return {
    ...toFileSummary(row),
    kind: mediaKind(row.mimeType),
    durationSeconds: row.mediaInfo?.durationSeconds ?? null,
    width: row.mediaInfo?.width ?? null,
    height: row.mediaInfo?.height ?? null,
  };
}

/**
 * `GET /api/v1/events/{eventId}`: the event's live files that the caller may read, in capture order (files
 * without a capture time, e.g. still processing, after them in upload order), with the cameras and sites that
 * saw it, its time span and counts by type. An event of which the caller sees no file is a 404, as a file is.
 */
export async function getCountingEvent(ctx: ServiceContext, eventId: string) {
  const where = and(eq(files.eventId, eventId), isNull(files.deletedAt), ...fileAccessConditions(ctx.actor));
  const db = getDb();
  const [rows, [summary]] = await Promise.all([
    db
      .select()
      .from(files)
      .where(where)
      .orderBy(sql`${files.capturedAt} asc nulls last`, asc(files.createdAt), asc(files.id))
      .limit(EVENT_MEDIA_LIMIT),
    db
      .select({
        total: sql<number>`count(*)::int`,
        images: sql<number>`count(*) filter (where ${files.mimeType} like 'image/%')::int`,
        videos: sql<number>`count(*) filter (where ${files.mimeType} like 'video/%')::int`,
        cameras: sql<string[]>`coalesce(array_agg(distinct ${files.cameraId}) filter (where ${files.cameraId} is not null), '{}')`,
        sites: sql<string[]>`coalesce(array_agg(distinct ${files.siteId}) filter (where ${files.siteId} is not null), '{}')`,
        first: sql<string | null>`min(${files.capturedAt})`,
        last: sql<string | null>`max(${files.capturedAt})`,
      })
      .from(files)
      .where(where),
  ]);
  if (summary.total === 0) throw notFound("Event");
  return {
    eventId,
    cameras: summary.cameras,
    sites: summary.sites,
    firstCapturedAt: summary.first ? new Date(summary.first).toISOString() : null,
    lastCapturedAt: summary.last ? new Date(summary.last).toISOString() : null,
    counts: { total: summary.total, image: summary.images, video: summary.videos, other: summary.total - summary.images - summary.videos },
    truncated: summary.total > rows.length,
    files: rows.map(toEventMedia),
  };
}

export type CountingEvent = Awaited<ReturnType<typeof getCountingEvent>>;
export type EventMedia = CountingEvent["files"][number];
