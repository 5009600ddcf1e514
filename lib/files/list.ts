import "server-only";
import { and, asc, count, desc, eq, gte, ilike, isNull, lte, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { escapeLike, fileAccessConditions } from "./access";
import type { ListFilesQuery } from "./schemas";
import { toFileSummary } from "./serialize";

const SORT_COLUMNS = {
  name: files.filename,
  size: files.size,
  uploadedAt: files.createdAt,
  lastModified: files.updatedAt,
} as const;

/** `GET /api/v1/files`: the actor's live files (every owner's for admins), filtered, sorted and paged. */
export async function listFiles(ctx: ServiceContext, query: ListFilesQuery) {
  const conditions: (SQL | undefined)[] = [
    isNull(files.deletedAt),
    ...fileAccessConditions(ctx.actor),
    query.category ? eq(files.category, query.category) : undefined,
    query.tags?.length ? sql`${files.tags} @> ${sql.param(query.tags)}::text[]` : undefined,
    query.mimeType
      ? query.mimeType.endsWith("/") || !query.mimeType.includes("/") || query.mimeType.endsWith("/*")
        ? ilike(files.mimeType, `${escapeLike(query.mimeType.replace(/\/?\*?$/, ""))}/%`)
        : eq(files.mimeType, query.mimeType.toLowerCase())
      : undefined,
    query.q ? ilike(files.filename, `%${escapeLike(query.q)}%`) : undefined,
    query.status ? eq(files.status, query.status) : undefined,
    query.cameraId ? eq(files.cameraId, query.cameraId) : undefined,
    query.siteId ? eq(files.siteId, query.siteId) : undefined,
    query.capturedFrom ? gte(files.capturedAt, new Date(query.capturedFrom)) : undefined,
    query.capturedTo ? lte(files.capturedAt, new Date(query.capturedTo)) : undefined,
  ];
  const where = and(...conditions);
  const order = query.sortOrder === "asc" ? asc : desc;
  const db = getDb();
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(files)
      .where(where)
      .orderBy(order(SORT_COLUMNS[query.sortBy]), order(files.id))
      .limit(query.limit)
      .offset((query.page - 1) * query.limit),
    db.select({ total: count() }).from(files).where(where),
  ]);
  return {
    files: rows.map((r) => toFileSummary(r)),
    pagination: { page: query.page, limit: query.limit, total, totalPages: Math.ceil(total / query.limit) },
  };
}
