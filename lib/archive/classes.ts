import type { ArchiveClass } from "@/db/schema/lifecycle";
import type { files } from "@/db/schema/files";

export type StorageTier = (typeof files.$inferSelect)["storageTier"];

/** files.storage_tier ↔ the S3 storage class its content is in. */
export const TIER_CLASS: Record<StorageTier, string> = { standard: "STANDARD", infrequent: "STANDARD_IA", archive: "GLACIER", deep_archive: "DEEP_ARCHIVE" };
export const CLASS_TIER: Record<ArchiveClass, StorageTier> = { GLACIER: "archive", DEEP_ARCHIVE: "deep_archive" };

/** How cold: a file only ever moves to a colder class. */
export const TIER_RANK: Record<StorageTier, number> = { standard: 0, infrequent: 0, archive: 1, deep_archive: 2 };
export const CLASS_RANK: Record<ArchiveClass, number> = { GLACIER: 1, DEEP_ARCHIVE: 2 };

export function isArchivedTier(tier: StorageTier): tier is "archive" | "deep_archive" {
  return TIER_RANK[tier] > 0;
}

export const CLASS_LABEL: Record<string, string> = { STANDARD: "Standard", STANDARD_IA: "Infrequent access", GLACIER: "Glacier", DEEP_ARCHIVE: "Deep Archive" };
