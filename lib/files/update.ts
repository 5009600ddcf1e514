import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, type FileRow } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { applyKeyRestrictions } from "./access";
import { sanitizeFilename } from "./filename";
import { lockVisibleFile } from "./lookup";
import { stringField } from "./record-upload";
import type { UpdateFileInput } from "./schemas";

type Changes = Record<string, { from: unknown; to: unknown }>;

/**
 * `PATCH /api/v1/files/{id}` (and the file page's edit form): rename, recategorise, retag or replace the
 * metadata, validated as at upload. The row is locked while it is compared and changed, and the
 * `file.update` audit row (each changed field, old → new) commits with the change. Nothing changed: no
 * write and no audit row. Returns the updated row; the caller serialises it as `GET` does.
 */
export async function updateFile(ctx: ServiceContext, input: { fileId: string; changes: UpdateFileInput }): Promise<FileRow> {
  return getDb().transaction(async (tx) => {
    const file = await lockVisibleFile(ctx, tx, input.fileId);
    const { filename: rawName, category, tags, metadata: rawMetadata } = input.changes;
    const filename = rawName === undefined ? file.filename : sanitizeFilename(rawName);
    // A key limited to a camera or a name prefix may not move a file outside that limit.
    const metadata = applyKeyRestrictions(ctx.actor, filename, rawMetadata ?? file.metadata) ?? {};
    const next = {
      filename,
      category: category ?? file.category,
      tags: tags ?? file.tags,
      metadata,
      cameraId: stringField(metadata.cameraId),
      siteId: stringField(metadata.siteId),
    };
    const changes: Changes = {};
    for (const field of ["filename", "category", "tags", "metadata"] as const) {
      if (JSON.stringify(file[field]) !== JSON.stringify(next[field])) changes[field] = { from: file[field], to: next[field] };
    }
    if (Object.keys(changes).length === 0) return file;
    const [updated] = await tx.update(files).set({ ...next, updatedAt: new Date() }).where(eq(files.id, file.id)).returning();
    await recordAuditEvent({ ...ctx, tx }, { action: "file.update", fileId: file.id, details: { changes } });
    return updated;
  });
}
