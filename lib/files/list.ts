import "server-only";
import { and, asc, desc, eq, gte, ilike, isNotNull, isNull, lte, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files } from "@/db/schema";
import { badRequest } from "@/lib/api/errors";
import type { ServiceContext } from "@/lib/auth/actor";
import { escapeLike, fileAccessConditions } from "./access";
import { countTotal } from "@/lib/paging/total";
import type { ListFilesQuery } from "./schemas";
import { toFileSummary } from "./serialize";

/** Each sort has an index per scope (see db/schema/files.ts), with `id` breaking ties in the same direction. */
const SORT_COLUMNS = {
  name: { column: files.filename, type: sql`text` },
  size: { column: files.size, type: sql`bigint` },
  uploadedAt: { column: files.createdAt, type: sql`timestamptz` },
  lastModified: { column: files.updatedAt, type: sql`timestamptz` },
  // Capture time where processing (EXIF, the video's tags) found one, else upload time: one non-null key, so
  // keyset paging never skips the files without a capture time, and the expression indexes serve it.
  capturedAt: { column: sql`coalesce(${files.capturedAt}, ${files.createdAt})`, type: sql`timestamptz` },
} as const;


/** An opaque position for keyset paging: the last row's sort value (as Postgres prints it) and id. */
function encodeCursor(sortBy: string, value: string, id: string): string {
  return Buffer.from(JSON.stringify([sortBy, value, id])).toString("base64url");
}

function decodeCursor(cursor: string, sortBy: string): { value: string; id: string } {
  try {
    const [by, value, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (by === sortBy && typeof value === "string" && typeof id === "string" && /^[0-9a-f-]{36}$/.test(id)) return { value, id };
  } catch {
    // fall through to the refusal below
  }
  throw badRequest("The cursor is not valid for this sort; start again without it.", "invalid_cursor");
}

function filterConditions(ctx: ServiceContext, query: ListFilesQuery): (SQL | undefined)[] {
  const trashed = query.status === "trashed";
  return [
    trashed ? isNotNull(files.deletedAt) : isNull(files.deletedAt),
    ...fileAccessConditions(ctx.actor),
    query.category ? eq(files.category, query.category) : undefined,
    query.tags?.length ? sql`${files.tags} @> ${sql.param(query.tags)}::text[]` : undefined,
    query.mimeType
      ? query.mimeType.endsWith("/") || !query.mimeType.includes("/") || query.mimeType.endsWith("/*")
        ? ilike(files.mimeType, `${escapeLike(query.mimeType.replace(/\/?\*?$/, ""))}/%`)
        : eq(files.mimeType, query.mimeType.toLowerCase())
      : undefined,
    // Served by the trigram index on filename.
    query.q ? ilike(files.filename, `%${escapeLike(query.q)}%`) : undefined,
    query.status && query.status !== "trashed" ? eq(files.status, query.status) : undefined,
    query.cameraId ? eq(files.cameraId, query.cameraId) : undefined,
    query.siteId ? eq(files.siteId, query.siteId) : undefined,
    query.eventId ? eq(files.eventId, query.eventId) : undefined,
    query.capturedFrom ? gte(files.capturedAt, new Date(query.capturedFrom)) : undefined,
    query.capturedTo ? lte(files.capturedAt, new Date(query.capturedTo)) : undefined,
  ];
}

/**
 * `GET /api/v1/files`: the actor's live files (every owner's for admins), or with `status=trashed` those in
 * the trash, filtered, sorted and paged.
 * `page` works as the spec says; `cursor` (from `pagination.nextCursor`) pages at any depth at the cost
 * of the first page.
 */
export async function listFiles(ctx: ServiceContext, query: ListFilesQuery) {
  const filters = and(...filterConditions(ctx, query));
  const { column, type } = SORT_COLUMNS[query.sortBy];
  const descending = query.sortOrder === "desc";
  const order = descending ? desc : asc;
  const after = query.cursor ? decodeCursor(query.cursor, query.sortBy) : null;
  const seek = after
    ? descending
      ? sql`(${column}, ${files.id}) < (${after.value}::${type}, ${after.id}::uuid)`
      : sql`(${column}, ${files.id}) > (${after.value}::${type}, ${after.id}::uuid)`
    : undefined;
  const db = getDb();
  const [rows, counted] = await Promise.all([
    db
      .select({ file: files, sortValue: sql<string>`${column}::text` })
      .from(files)
      .where(and(filters, seek))
      .orderBy(order(column), order(files.id))
      .limit(query.limit + 1)
      .offset(after ? 0 : (query.page - 1) * query.limit),
    countTotal(files, filters, { trustEstimate: !query.q }),
  ]);
  const more = rows.length > query.limit;
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  return {
    files: pageRows.map((r) => toFileSummary(r.file)),
    pagination: {
      page: after ? null : query.page,
      limit: query.limit,
      total: counted.total,
      totalPages: Math.ceil(counted.total / query.limit),
      totalExact: counted.exact,
      nextCursor: more && last ? encodeCursor(query.sortBy, last.sortValue, last.file.id) : null,
    },
  };
}
