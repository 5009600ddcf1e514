import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, fileVariants } from "@/db/schema";
import { conflict } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { announceFileEvent } from "./events";
import { findVisibleFile, listVersions } from "./lookup";
import { toFileDetail } from "./serialize";

/** `GET /api/v1/files/{id}`: full information, versions included. Audited as a view, once a minute per actor (the page polls). */
export async function getFileDetail(ctx: ServiceContext, fileId: string) {
  const file = await findVisibleFile(ctx, fileId);
  const versions = await listVersions(file.id);
  // Quarantined and rejected files have no variants, and their URLs would be refused anyway.
  const variants = file.currentVersionId ? await getDb().select().from(fileVariants).where(eq(fileVariants.versionId, file.currentVersionId)) : [];
  await getDb().transaction((tx) => recordAuditEvent({ ...ctx, tx }, { action: "file.view", fileId: file.id, coalesce: { withinSeconds: 60 } }));
  return toFileDetail(file, versions, variants);
}

/** `DELETE /api/v1/files/{id}`: moves the file to the trash; it is purged after the retention window. */
export async function trashFile(ctx: ServiceContext, fileId: string) {
  const deletedAt = new Date();
  const purgeAfter = new Date(deletedAt.getTime() + env().TRASH_RETENTION_DAYS * 86_400_000);
  const file = await getDb().transaction(async (tx) => {
    const row = await findVisibleFile(ctx, fileId, tx);
    if (row.legalHold) throw conflict("This file is under legal hold and cannot be deleted.");
    await tx.update(files).set({ deletedAt, purgeAfter, updatedAt: deletedAt }).where(eq(files.id, row.id));
    await recordAuditEvent({ ...ctx, tx }, { action: "file.delete", fileId: row.id, details: { filename: row.filename, purgeAfter: purgeAfter.toISOString() } });
    return row;
  });
  await announceFileEvent({ name: "file/deleted", data: { fileId: file.id, ownerId: file.ownerId } });
  return {
    success: true,
    message: `"${file.filename}" was moved to the trash and will be purged after ${purgeAfter.toISOString().slice(0, 10)}.`,
    deletedAt: deletedAt.toISOString(),
  };
}
