import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { fileVariants, type FileRow } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import { actorId, type ServiceContext } from "@/lib/auth/actor";
import { processMap } from "@/lib/process-map";
import { findVisibleFile, listVersions } from "./lookup";
import { toFileDetail } from "./serialize";

/** `GET /api/v1/files/{id}`: full information, versions included. Audited as a view, once a minute per actor (the page polls). */
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

const VIEW_COALESCE_SECONDS = 60;
const MAX_RECENT_VIEWS = 10_000;

/**
 * One `file.view` row per actor and file a minute. When this process itself recorded (or found) that row
 * less than a minute ago, the database would find it again: the check is skipped, and a polled page costs
 * no transaction. Otherwise the coalescing check in the database decides, across instances.
 */
async function recordView(ctx: ServiceContext, fileId: string): Promise<void> {
  const recent = processMap<string, number>("recentViews", MAX_RECENT_VIEWS);
  const key = `${actorId(ctx.actor)}|${fileId}`;
  const at = recent.get(key);
  if (at !== undefined && Date.now() - at < VIEW_COALESCE_SECONDS * 1000) return;
  const started = Date.now();
  const wrote = await getDb().transaction((tx) => recordAuditEvent({ ...ctx, tx }, { action: "file.view", fileId, coalesce: { withinSeconds: VIEW_COALESCE_SECONDS } }));
  // Only a row written here is known to be this young; one found (another instance's) may be older.
  if (!wrote) return;
  recent.set(key, started);
}
