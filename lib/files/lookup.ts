import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
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

/**
 * The same file, locked until `tx` ends, in one statement (Postgres re-checks the conditions on the row it
 * locks, so a file trashed meanwhile is missing here too). `includeTrashed` also finds it in the trash (restore,
 * purge). Another owner's file is missing.
 */
export async function lockVisibleFile(ctx: ServiceContext, tx: Tx, fileId: string, opts: { includeTrashed?: boolean } = {}): Promise<FileRow> {
  const [row] = await tx
    .select()
    .from(files)
    .where(and(eq(files.id, fileId), opts.includeTrashed ? undefined : isNull(files.deletedAt), ...fileAccessConditions(ctx.actor)))
    .for("update");
  if (!row) throw notFound("File");
  return row;
}

export async function listVersions(fileId: string, db: Database | Tx = getDb()) {
  return db.select().from(fileVersions).where(eq(fileVersions.fileId, fileId)).orderBy(desc(fileVersions.version));
}

/**
 * A visible file and one of its versions in one query (the download path runs it on every request):
 * `number` when asked for, else the current one. The file must be servable before a missing version is
 * reported, so the caller checks that in between.
 */
export async function findVisibleFileVersion(
  ctx: ServiceContext,
  fileId: string,
  number?: number,
): Promise<{ file: FileRow; version: () => FileVersionRow }> {
  const [row] = await getDb()
    .select({ file: files, version: fileVersions })
    .from(files)
    .leftJoin(
      fileVersions,
      and(eq(fileVersions.fileId, files.id), number ? eq(fileVersions.version, number) : sql`${fileVersions.id} = ${files.currentVersionId}`),
    )
    .where(and(eq(files.id, fileId), isNull(files.deletedAt), ...fileAccessConditions(ctx.actor)));
  if (!row) throw notFound("File");
  return {
    file: row.file,
    version: () => {
      if (!row.version) throw notFound("Version");
      return row.version;
    },
  };
}
