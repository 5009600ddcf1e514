import { eq, like, type SQL } from "drizzle-orm";
import { files } from "@/db/schema";
import { forbidden } from "@/lib/api/errors";
import { ownerScope, type Actor } from "@/lib/auth/actor";

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The conditions every file query carries for this actor: its owner scope and any key restriction. */
export function fileAccessConditions(actor: Actor): (SQL | undefined)[] {
  const owner = ownerScope(actor);
  const key = actor.type === "apiKey" ? actor : null;
  return [
    owner ? eq(files.ownerId, owner) : undefined,
    key?.cameraId ? eq(files.cameraId, key.cameraId) : undefined,
    key?.filenamePrefix ? like(files.filename, `${escapeLike(key.filenamePrefix)}%`) : undefined,
  ];
}

/**
 * A key limited to a camera or a name prefix may only store files inside that limit; a camera key's
 * uploads are stamped with its camera. Returns the metadata to store.
 */
export function applyKeyRestrictions(
  actor: Actor,
  filename: string,
  metadata: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (actor.type !== "apiKey") return metadata;
  if (actor.filenamePrefix && !filename.startsWith(actor.filenamePrefix)) {
    throw forbidden(`This key may only store files whose name starts with "${actor.filenamePrefix}".`);
  }
  if (!actor.cameraId) return metadata;
  if (metadata?.cameraId !== undefined && metadata.cameraId !== actor.cameraId) {
    throw forbidden(`This key may only store files of camera "${actor.cameraId}".`);
  }
  return { ...metadata, cameraId: actor.cameraId };
}
