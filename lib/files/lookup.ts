import "server-only";
import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb, type Database, type Tx } from "@/db/client";
import { files, fileVersions, type FileRow, type FileVersionRow } from "@/db/schema";
import { notFound } from "@/lib/api/errors";
import type { ServiceContext } from "@/lib/auth/actor";
import { fileAccessConditions } from "./access";

/**
 * Loads a live (not trashed) file the actor may see. Another owner's file is reported as missing,
 * so ids cannot be probed.
 */
export async function findVisibleFile(ctx: ServiceContext, fileId: string, db: Database | Tx = ctx.tx ?? getDb()): Promise<FileRow> {
  const [row] = await db
    .select()
    .from(files)
    .where(and(eq(files.id, fileId), isNull(files.deletedAt), ...fileAccessConditions(ctx.actor)));
  if (!row) throw notFound("File");
  return row;
}

export async function listVersions(fileId: string, db: Database | Tx = getDb()) {
  return db.select().from(fileVersions).where(eq(fileVersions.fileId, fileId)).orderBy(desc(fileVersions.version));
}

/** A version of a file already found visible: `number` when asked for, else the current one. */
export async function findFileVersion(file: FileRow, number?: number, db: Database | Tx = getDb()): Promise<FileVersionRow> {
  const [version] = await db
    .select()
    .from(fileVersions)
    .where(and(eq(fileVersions.fileId, file.id), number ? eq(fileVersions.version, number) : eq(fileVersions.id, file.currentVersionId!)));
  if (!version) throw notFound("Version");
  return version;
}
