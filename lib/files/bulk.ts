import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files, type FileRow } from "@/db/schema";
import { ApiError, forbidden } from "@/lib/api/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorHas, type ServiceContext } from "@/lib/auth/actor";
import type { Permission } from "@/lib/auth/permissions";
import { logger } from "@/lib/log";
import { lockVisibleFile } from "./lookup";
import { restoreFile, trashFile } from "./trash";
import type { BulkActionInput } from "./schemas";

export interface BulkItemResult {
  id: string;
  ok: boolean;
  /** false when the file already was as asked (nothing written, nothing audited). */
  changed?: boolean;
  error?: { code: string; message: string };
}

const PERMISSION: Record<BulkActionInput["action"], Permission> = {
  tag: "files.write",
  untag: "files.write",
  category: "files.write",
  delete: "files.delete",
  restore: "files.delete",
};

/** Files worked on at once: enough to overlap round trips, few enough to leave the pool to other requests. */
const CONCURRENCY = 4;
const MAX_TAGS = 50;

/**
 * `POST /api/v1/files/bulk`: one action over many files. Each file is changed and audited in its own
 * transaction, so one failure (not found, legal hold, too many tags) undoes nothing else; the answer lists
 * each id's outcome. Another owner's file is `not_found`, like a missing one.
 */
export async function runBulkAction(ctx: ServiceContext, input: BulkActionInput) {
  if (!actorHas(ctx.actor, PERMISSION[input.action])) throw forbidden();
  const results = await mapWithConcurrency(input.ids, CONCURRENCY, async (id): Promise<BulkItemResult> => {
    try {
      return { id, ok: true, changed: await applyOne(ctx, input, id) };
    } catch (err) {
      if (err instanceof ApiError) return { id, ok: false, error: { code: err.code, message: err.message } };
      logger.error({ err, fileId: id, action: input.action, requestId: ctx.request?.requestId }, "bulk action failed for a file");
      return { id, ok: false, error: { code: "internal_error", message: "Something went wrong with this file." } };
    }
  });
  const succeeded = results.filter((r) => r.ok).length;
  return { action: input.action, succeeded, failed: results.length - succeeded, results };
}

async function applyOne(ctx: ServiceContext, input: BulkActionInput, id: string): Promise<boolean> {
  switch (input.action) {
    case "tag":
      return updateFile(ctx, id, (row) => ({ tags: [...new Set([...row.tags, ...input.tags])] }));
    case "untag":
      return updateFile(ctx, id, (row) => ({ tags: row.tags.filter((t) => !input.tags.includes(t)) }));
    case "category":
      return updateFile(ctx, id, () => ({ category: input.category }));
    case "delete":
      await trashFile(ctx, id);
      return true;
    case "restore":
      // A file that is not in the trash is left as it is (changed: false), as the single restore answers.
      return (await restoreFile(ctx, id)).restored;
  }
}

type Editable = Partial<Pick<FileRow, "tags" | "category">>;

/**
 * Changes a live file's tags or category, audited as `file.update` with `{ changes: { field: { from, to } } }`
 * (the shape of the single-file edit) in the same transaction. Says whether anything changed.
 */
async function updateFile(ctx: ServiceContext, fileId: string, edit: (row: FileRow) => Editable): Promise<boolean> {
  return getDb().transaction(async (tx) => {
    const row = await lockVisibleFile(ctx, tx, fileId);
    const next = edit(row);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (next.tags && next.tags.join("\u0000") !== row.tags.join("\u0000")) {
      if (next.tags.length > MAX_TAGS) throw new ApiError(400, "too_many_tags", `A file may carry at most ${MAX_TAGS} tags.`);
      changes.tags = { from: row.tags, to: next.tags };
    }
    if (next.category !== undefined && next.category !== row.category) changes.category = { from: row.category, to: next.category };
    if (Object.keys(changes).length === 0) return false;
    await tx.update(files).set({ ...next, updatedAt: new Date() }).where(eq(files.id, row.id));
    await recordAuditEvent({ ...ctx, tx }, { action: "file.update", fileId: row.id, details: { changes, bulk: true } });
    return true;
  });
}

async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
