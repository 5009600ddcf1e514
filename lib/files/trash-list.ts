import "server-only";
import { and, desc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, users } from "@/db/schema";
import { badRequest } from "@/lib/api/errors";
import type { ServiceContext } from "@/lib/auth/actor";
import { countTotal } from "@/lib/paging/total";
import { fileAccessConditions } from "./access";
import type { ListTrashQuery } from "./schemas";
import { toFileSummary } from "./serialize";

function encodeCursor(deletedAt: string, id: string): string {
  return Buffer.from(JSON.stringify(["trash", deletedAt, id])).toString("base64url");
}

function decodeCursor(cursor: string): { deletedAt: string; id: string } {
  try {
    const [kind, deletedAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (kind === "trash" && typeof deletedAt === "string" && typeof id === "string" && /^[0-9a-f-]{36}$/.test(id)) return { deletedAt, id };
  } catch {
    // fall through to the refusal below
  }
  throw badRequest("The cursor is not valid for the trash; start again without it.", "invalid_cursor");
}

/**
 * `GET /api/v1/trash`: the actor's trashed files (every owner's for admins, `ownerId` to narrow it), the
 * most recently deleted first, keyset-paged on (deletedAt, id) over the trash indexes (files_trash_*).
 */
export async function listTrash(ctx: ServiceContext, query: ListTrashQuery) {
  const filters: (SQL | undefined)[] = [
    isNotNull(files.deletedAt),
    ...fileAccessConditions(ctx.actor),
    query.ownerId ? eq(files.ownerId, query.ownerId) : undefined,
  ];
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const seek = after ? sql`(${files.deletedAt}, ${files.id}) < (${after.deletedAt}::timestamptz, ${after.id}::uuid)` : undefined;
  const db = getDb();
  const [rows, counted] = await Promise.all([
    db
      .select({ file: files, ownerEmail: users.email, deletedAtText: sql<string>`${files.deletedAt}::text` })
      .from(files)
      .innerJoin(users, eq(users.id, files.ownerId))
      .where(and(...filters, seek))
      .orderBy(desc(files.deletedAt), desc(files.id))
      .limit(query.limit + 1),
    // Exact up to 10 000, estimated above, like the files list.
    countTotal(files, and(...filters), { trustEstimate: true }),
  ]);
  const more = rows.length > query.limit;
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  return {
    files: pageRows.map((r) => ({
      ...toFileSummary(r.file),
      ownerEmail: r.ownerEmail,
      deletedAt: r.file.deletedAt!.toISOString(),
      purgeAt: r.file.purgeAfter?.toISOString() ?? null,
    })),
    pagination: {
      limit: query.limit,
      total: counted.total,
      totalExact: counted.exact,
      nextCursor: more && last ? encodeCursor(last.deletedAtText, last.file.id) : null,
    },
  };
}

export type TrashList = Awaited<ReturnType<typeof listTrash>>;
export type TrashItem = TrashList["files"][number];
