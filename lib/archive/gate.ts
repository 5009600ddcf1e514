import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { retrievals, type FileRow } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { CLASS_LABEL, isArchivedTier, TIER_CLASS } from "./classes";

/**
 * Archived means not downloadable until retrieved, whichever store holds it (on Ceph the cold object would
 * still read): an archived file's content is served only during a ready retrieval's window. Thumbnails
 * and previews are not content here; they stay hot. Costs one indexed read, and only for archived files.
 */
export async function assertContentAvailable(file: FileRow): Promise<void> {
  if (!isArchivedTier(file.storageTier)) return;
  const [open] = await getDb()
    .select({ id: retrievals.id, status: retrievals.status, expiresAt: retrievals.expiresAt, estimatedReadyAt: retrievals.estimatedReadyAt })
    .from(retrievals)
    .where(and(eq(retrievals.fileId, file.id), inArray(retrievals.status, ["pending", "ready"])))
    .orderBy(desc(retrievals.createdAt))
    .limit(1);
  if (open?.status === "ready" && open.expiresAt && open.expiresAt > new Date()) return;
  const where = `This file is archived in ${CLASS_LABEL[TIER_CLASS[file.storageTier]]} (${TIER_CLASS[file.storageTier]})`;
  const how = open
    ? `A retrieval is under way (${open.id}), ready about ${open.estimatedReadyAt.toISOString()}; follow it with GET /api/v1/retrievals/${open.id}.`
    : `Retrieve it first: POST /api/v1/files/${file.id}/retrievals with {"tier":"expedited"|"standard"|"bulk","days":N}, then download once GET /api/v1/retrievals/{retrievalId} says "ready".`;
  throw new ApiError(409, "file_archived", `${where}. ${how}`);
}
