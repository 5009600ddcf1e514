import "server-only";
import { and, eq, isNotNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files } from "@/db/schema";
import { notFound } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { fileAccessConditions } from "./access";

// Stand-in for lib/files/trash.ts (issue 8, trash and restore), which exports the same two names: when it
// lands, lib/files/bulk.ts imports from "./trash" instead and this file goes.
export { trashFile } from "./details";

/** Brings a trashed file back, audited as `file.restore`. Another owner's file, or a purged one, is missing. */
export async function restoreFile(ctx: ServiceContext, fileId: string) {
  return getDb().transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(files)
      .where(and(eq(files.id, fileId), isNotNull(files.deletedAt), ...fileAccessConditions(ctx.actor)))
      .for("update");
    if (!row) throw notFound("File in the trash");
    await tx.update(files).set({ deletedAt: null, purgeAfter: null, updatedAt: new Date() }).where(eq(files.id, row.id));
    await recordAuditEvent({ ...ctx, tx }, { action: "file.restore", fileId: row.id, details: { filename: row.filename } });
    return { success: true, fileId: row.id };
  });
}
