import "server-only";
import { inngest } from "@/inngest/client";
import { fileDeleted, fileUploaded, type UploadSource } from "@/inngest/events";
import type { Actor } from "@/lib/auth/actor";
import { currentRequestId, logger } from "@/lib/log";

type Announcement =
  | { name: "file/uploaded"; data: { fileId: string; versionId: string; ownerId: string; source: UploadSource; cameraId: string | null } }
  | { name: "file/deleted"; data: { fileId: string; ownerId: string } };

/** Who is waiting for an upload's processing, which orders it (see `fileUploaded`). */
export function uploadSource(actor: Actor, cameraId: string | null): UploadSource {
  if (actor.type === "user") return "person";
  if (actor.type === "apiKey") return cameraId ? "camera" : "api";
  return "backfill";
}

/**
 * Tells the workflows about a change that has already committed. A lost event never loses data: the
 * file row keeps its status, and processing can be re-sent from it.
 */
export async function announceFileEvent(event: Announcement): Promise<void> {
  // The request's id goes with the event, so the work it starts logs (and audits) under the same id.
  const requestId = currentRequestId();
  try {
    await inngest.send(
      event.name === "file/uploaded" ? fileUploaded.create({ ...event.data, requestId }) : fileDeleted.create({ ...event.data, requestId }),
    );
  } catch (err) {
    logger.error({ err, event: event.name, fileId: event.data.fileId }, "could not send workflow event");
  }
}
