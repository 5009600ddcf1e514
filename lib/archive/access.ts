import "server-only";
import { and, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { files } from "@/db/schema";
import { logger } from "@/lib/log";

/** Archive rules count unread days: one write per file per hour is more than precise enough. */
const TOUCH_INTERVAL_MS = 3_600_000;
const FLUSH_DELAY_MS = 1_000;
/** Past this many remembered files the memory is dropped; the UPDATE's own condition still limits writes. */
const MAX_REMEMBERED = 100_000;

interface AccessBuffer { pending: Set<string>; noted: Map<string, number>; timer?: NodeJS.Timeout }
const state = globalThis as unknown as { framevaultAccess?: AccessBuffer };
const buffer: AccessBuffer = (state.framevaultAccess ??= { pending: new Set<string>(), noted: new Map<string, number>() });

/**
 * Records that a file's content was read (download, preview, conversion) without touching the request's
 * path: the id goes into an in-memory buffer that a timer flushes a second later in one conditional UPDATE
 * (`last_accessed_at` older than an hour, so instances and restarts still write at most once an hour).
 * `known` is the row's current value, which spares the buffer a file read within the hour.
 */
export function noteFileAccess(fileId: string, known: Date | null): void {
  const now = Date.now();
  if (known && now - known.getTime() < TOUCH_INTERVAL_MS) return;
  const noted = buffer.noted.get(fileId);
  if (noted && now - noted < TOUCH_INTERVAL_MS) return;
  if (buffer.noted.size >= MAX_REMEMBERED) buffer.noted.clear();
  buffer.noted.set(fileId, now);
  buffer.pending.add(fileId);
  if (!buffer.timer) {
    buffer.timer = setTimeout(flushFileAccesses, FLUSH_DELAY_MS);
    buffer.timer.unref();
  }
}

export async function flushFileAccesses(): Promise<void> {
  buffer.timer = undefined;
  const ids = [...buffer.pending];
  buffer.pending.clear();
  const cutoff = Date.now() - TOUCH_INTERVAL_MS;
  for (const [id, at] of buffer.noted) if (at < cutoff) buffer.noted.delete(id);
  if (ids.length === 0) return;
  await getDb()
    .update(files)
    .set({ lastAccessedAt: sql`now()` })
    .where(and(inArray(files.id, ids), or(isNull(files.lastAccessedAt), lt(files.lastAccessedAt, sql`now() - interval '1 hour'`))))
    .catch((err) => logger.warn({ err, files: ids.length }, "recording file accesses failed"));
}
