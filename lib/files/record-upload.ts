import "server-only";
import { files, fileVersions, processingJobs, type FileRow } from "@/db/schema";
import type { Tx } from "@/db/client";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";

export interface StoredUpload {
  fileId: string;
  versionId: string;
  ownerId: string;
  objectKey: string;
  filename: string;
  mimeType: string;
  size: number;
  storageEtag: string | null;
  category?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  eventId?: string | null;
  expectedSha256?: string;
  via: "browser" | "api";
}

/** Records an object that is already in the bucket as file version 1, with its audit row, in `tx`. */
export async function recordUploadedFile(tx: Tx, ctx: ServiceContext, upload: StoredUpload): Promise<FileRow> {
  const [file] = await tx
    .insert(files)
    .values({
      id: upload.fileId,
      ownerId: upload.ownerId,
      filename: upload.filename,
      mimeType: upload.mimeType,
      size: upload.size,
      category: upload.category ?? "general",
      tags: upload.tags ?? [],
      metadata: upload.metadata ?? {},
      cameraId: stringField(upload.metadata?.cameraId),
      siteId: stringField(upload.metadata?.siteId),
      eventId: upload.eventId ?? null,
      currentVersionId: upload.versionId,
      status: "processing",
    })
    .returning();
  // Sent together on the transaction's connection (postgres.js pipelines them): one round trip, not three.
  await Promise.all([
    tx.insert(fileVersions).values({
      id: upload.versionId,
      fileId: upload.fileId,
      version: 1,
      objectKey: upload.objectKey,
      size: upload.size,
      mimeType: upload.mimeType,
      storageEtag: upload.storageEtag,
      expectedSha256: upload.expectedSha256 ?? null,
      createdBy: ctx.actor.type === "user" ? ctx.actor.userId : null,
    }),
    tx.insert(processingJobs).values({ kind: "process-file", fileId: upload.fileId, versionId: upload.versionId }),
    recordAuditEvent({ ...ctx, tx }, {
      action: "file.upload",
      fileId: upload.fileId,
      details: { filename: upload.filename, size: upload.size, mimeType: upload.mimeType, via: upload.via },
    }),
  ]);
  return file;
}

/** A metadata value stored in an indexed column (cameraId, siteId), or null. */
export function stringField(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim().slice(0, 128) : null;
}
