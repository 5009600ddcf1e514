import "server-only";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { getDb } from "@/db/client";
import { blobs, files } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit/record";
import { enqueueCurrentVersionChange, requestCdnInvalidationRun } from "@/lib/cdn/queue";
import type { ServiceContext } from "@/lib/auth/actor";
import { blobSha256FromKey } from "@/lib/storage/s3";
import { archiveStore } from "./active-store";
import { CLASS_RANK, CLASS_TIER, TIER_CLASS, TIER_RANK } from "./classes";
import { fileObjectKeys, sharedWithOtherFiles, type ArchiveCandidate } from "./eligibility";

export type MoveOutcome =
  | { result: "moved"; copied: number; already: number; ownerId: string }
  | { result: "skipped"; reason: "shared" | "changed" | "already" | "cold_on_aws" };

/**
 * Moves one file's stored content (every version's original; thumbnails and previews stay hot) to the
 * rule's class, then records tier, rule and time with a `file.archive` audit row in one transaction.
 *
 * Safe to repeat after a crash anywhere: an object already in the class is not copied again (HeadObject
 * first), and a file whose row already says so is not recorded twice. Content another file shares
 * (deduplication) is left hot: the file is skipped, so no file ever finds its bytes archived by someone
 * else's rule. The sharing is checked again under the blob row locks that deduplication takes, so an
 * upload of the same bytes during the move either comes first (and the move is undone) or keeps its own copy.
 */
export async function archiveFile(ctx: ServiceContext, candidate: ArchiveCandidate, runId: string): Promise<MoveOutcome> {
  const store = archiveStore();
  const db = getDb();
  // AWS cannot CopyObject from a cold object: GLACIER → DEEP_ARCHIVE needs a bucket lifecycle rule there.
  if (store.provider === "aws" && TIER_RANK[candidate.storageTier] > 0) return { result: "skipped", reason: "cold_on_aws" };
  const keys = await fileObjectKeys(db, candidate.id);
  if (await sharedWithOtherFiles(db, candidate.id, keys)) return { result: "skipped", reason: "shared" };

  let copied = 0;
  for (const key of keys) if ((await store.moveToClass(key, candidate.destination)) === "moved") copied++;

  const tier = CLASS_TIER[candidate.destination];
  const committed = await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(files)
      .where(and(eq(files.id, candidate.id), isNull(files.deletedAt), eq(files.status, "ready"), eq(files.legalHold, false)))
      .for("update");
    if (row && TIER_RANK[row.storageTier] >= CLASS_RANK[candidate.destination]) return "already" as const;
    const shas = keys.map(blobSha256FromKey).filter((s): s is string => s !== null).sort();
    if (shas.length) await tx.select({ sha: blobs.sha256 }).from(blobs).where(inArray(blobs.sha256, shas)).for("update");
    if (!row || (await sharedWithOtherFiles(tx, candidate.id, keys))) return "undo" as const;
    const now = new Date();
    await tx.update(files).set({ storageTier: tier, archivedAt: now, archiveRuleId: candidate.ruleId }).where(eq(files.id, row.id));
    // The edge stops serving the original (its origin refuses archived originals); variants stay hot there too.
    await enqueueCurrentVersionChange(tx, row.id, "archive");
    await recordAuditEvent(
      { ...ctx, tx },
      {
        action: "file.archive",
        fileId: row.id,
        details: { storageClass: candidate.destination, from: row.storageTier, rule: candidate.ruleId, runId, objects: keys.length, copied, size: row.size },
      },
    );
    return { ownerId: row.ownerId };
  });
  if (committed === "undo") {
    // The file changed under the move (trashed, held, given a sharer): its content goes back where it was.
    for (const key of keys) await store.moveToClass(key, TIER_CLASS[candidate.storageTier] as "STANDARD");
    return { result: "skipped", reason: "changed" };
  }
  // Another run recorded it first (two runs at once): this one moved nothing new.
  if (committed === "already") return { result: "skipped", reason: "already" };
  await requestCdnInvalidationRun();
  return { result: "moved", copied, already: keys.length - copied, ownerId: committed.ownerId };
}
