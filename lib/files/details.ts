import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { fileVariants, type FileRow } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorId, type ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { processMap } from "@/lib/process-map";
import { findVisibleFile, listVersions } from "./lookup";
import { toFileDetail } from "./serialize";

/** `GET /api/v1/files/{id}`: full information, versions included. Audited as a view, once per AUDIT_VIEW_COALESCE_MINUTES per actor (the page refetches). */
export async function getFileDetail(ctx: ServiceContext, fileId: string) {
  const file = await findVisibleFile(ctx, fileId);
  const detail = await describeFile(file);
  await recordView(ctx, file.id);
  return detail;
}

/** The full information of a file the caller already may see: `GET`'s answer, also `PATCH`'s. */
export async function describeFile(file: FileRow) {
  const [versions, variants] = await Promise.all([
    listVersions(file.id),
    // Quarantined and rejected files have no variants, and their URLs would be refused anyway.
    file.currentVersionId ? getDb().select().from(fileVariants).where(eq(fileVariants.versionId, file.currentVersionId)) : [],
  ]);
  return toFileDetail(file, versions, variants);
}

const MAX_RECENT_VIEWS = 10_000;

/**
 * One `file.view` row per actor and file per AUDIT_VIEW_COALESCE_MINUTES (15 by default). The file's page reads
 * its file through this same GET, and refetches it every 2 s while processing runs, on every return to the tab
 * and after every edit or new version: with a one-minute window a page left open wrote a view a minute. Once
 * recorded (or found) by this process, the database would find it again: the check is skipped, and a refetch
 * costs no transaction. Otherwise the coalescing check in the database decides, across instances.
 */
async function recordView(ctx: ServiceContext, fileId: string): Promise<void> {
  const windowSeconds = env().AUDIT_VIEW_COALESCE_MINUTES * 60;
  const recent = processMap<string, number>("recentViews", MAX_RECENT_VIEWS);
  const key = `${actorId(ctx.actor)}|${fileId}`;
  const at = recent.get(key);
  if (at !== undefined && Date.now() - at < windowSeconds * 1000) return;
  const started = Date.now();
  const wrote = await getDb().transaction((tx) => recordAuditEvent({ ...ctx, tx }, { action: "file.view", fileId, coalesce: { withinSeconds: windowSeconds } }));
  // Only a row written here is known to be this young; one found (another instance's) may be older.
  if (!wrote) return;
  recent.set(key, started);
}
