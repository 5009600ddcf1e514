import "server-only";
import { isArchivedTier } from "@/lib/archive/classes";
import type { FileRow, FileVariant } from "@/db/schema";
import { env } from "@/lib/env";
import { cdnProvider } from "./index";
import { originalEdgePath, variantEdgePath } from "./paths";
import { countEdgeUrlIssued } from "./stats";

const DAY_MS = 86_400_000;

/** Live and ready; variants of an archived file stay hot and keep their edge URLs. */
function servable(row: FileRow): boolean {
  return row.status === "ready" && !row.deletedAt && !!row.currentVersionId;
}

/**
 * The signed edge URL of a file's current original, short-lived (CDN_URL_EXPIRES_SECONDS). Callers issue it
 * only to an actor who may read the file (the row came through an owner-scoped query); null when no CDN
 * is configured or the file is not servable.
 */
export function originalCdnUrl(row: FileRow, now = Date.now()): string | null {
  const cdn = cdnProvider();
  if (!cdn || !servable(row) || isArchivedTier(row.storageTier)) return null;
  countEdgeUrlIssued("original");
  return cdn.signUrl(originalEdgePath(row.id), new Date(now + env().CDN_URL_EXPIRES_SECONDS * 1000));
}

/**
 * A variant's edge URL, long-lived: its content never changes under the version id, and the expiry is
 * rounded up to a whole day so a browser sees the same URL (and keeps its cached copy) all day.
 */
export function variantCdnUrl(row: FileRow, variant: Pick<FileVariant, "versionId" | "name">, now = Date.now()): string | null {
  const cdn = cdnProvider();
  if (!cdn || !servable(row) || variant.name.startsWith("convert-")) return null;
  countEdgeUrlIssued("variant");
  const expires = Math.ceil((now + env().CDN_VARIANT_URL_EXPIRES_SECONDS * 1000) / DAY_MS) * DAY_MS;
  return cdn.signUrl(variantEdgePath(row.id, variant.versionId, variant.name), new Date(expires));
}
