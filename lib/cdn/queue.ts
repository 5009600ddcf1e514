import "server-only";
import { eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { cdnInvalidationQueue, fileVariants, fileVersions } from "@/db/schema";
import { inngest } from "@/inngest/client";
import { cdnInvalidationRequested } from "@/inngest/events";
import { logger } from "@/lib/log";
import { cdnProvider } from "./index";
import { originalEdgePath, variantEdgePath } from "./paths";

/**
 * Queues edge paths for invalidation in the caller's transaction, so they are queued exactly when the
 * change commits. A no-op when no CDN is configured. After the commit, call `requestCdnInvalidationRun`
 * (or leave it to the drain's minute schedule).
 */
export async function enqueueCdnInvalidation(tx: Tx, paths: string[], reason: string): Promise<void> {
  if (!cdnProvider() || paths.length === 0) return;
  await tx.insert(cdnInvalidationQueue).values([...new Set(paths)].map((path) => ({ path, reason })));
}

/** The current original changed (a new current version, a restore): its edge path goes stale. */
export async function enqueueCurrentVersionChange(tx: Tx, fileId: string, reason: string): Promise<void> {
  await enqueueCdnInvalidation(tx, [originalEdgePath(fileId)], reason);
}

/**
 * The file may no longer be served (trash, purge, archive): every path it has on the edge, the original
 * and each version's variants, so cached copies stop being served and the next fetch reaches the origin,
 * which refuses.
 */
export async function enqueueFileRevocation(tx: Tx, fileId: string, reason: string): Promise<void> {
  if (!cdnProvider()) return;
  const variants = await tx
    .select({ versionId: fileVariants.versionId, name: fileVariants.name })
    .from(fileVariants)
    .innerJoin(fileVersions, eq(fileVersions.id, fileVariants.versionId))
    .where(eq(fileVersions.fileId, fileId));
  const paths = [originalEdgePath(fileId), ...variants.filter((v) => !v.name.startsWith("convert-")).map((v) => variantEdgePath(fileId, v.versionId, v.name))];
  await enqueueCdnInvalidation(tx, paths, reason);
}

/** Wakes the drain workflow after a commit that queued paths; a lost event only waits for its minute schedule. */
export async function requestCdnInvalidationRun(): Promise<void> {
  if (!cdnProvider()) return;
  try {
    await inngest.send(cdnInvalidationRequested.create({}));
  } catch (err) {
    logger.error({ err }, "could not send cdn/invalidation.requested");
  }
}
