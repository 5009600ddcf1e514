import "server-only";
import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb, type Database, type Tx } from "@/db/client";
import { files, fileVersions, type FileRow } from "@/db/schema";
import { notFound } from "@/lib/api/errors";
import { ownerScope, type ServiceContext } from "@/lib/auth/actor";

/**
 * Loads a live (not trashed) file the actor may see. Another owner's file is reported as missing,
 * so ids cannot be probed.
 */
export async function findVisibleFile(ctx: ServiceContext, fileId: string, db: Database | Tx = ctx.tx ?? getDb()): Promise<FileRow> {
  const owner = ownerScope(ctx.actor);
  const [row] = await db
    .select()
    .from(files)
    .where(and(eq(files.id, fileId), isNull(files.deletedAt), owner ? eq(files.ownerId, owner) : undefined));
  if (!row) throw notFound("File");
  return row;
}

export async function listVersions(fileId: string, db: Database | Tx = getDb()) {
  return db.select().from(fileVersions).where(eq(fileVersions.fileId, fileId)).orderBy(desc(fileVersions.version));
}
