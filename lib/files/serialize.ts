import type { FileRow, FileVariant, FileVersionRow } from "@/db/schema";
import { TIER_CLASS } from "@/lib/archive/classes";
import { originalCdnUrl, variantCdnUrl } from "@/lib/cdn/urls";
import { env } from "@/lib/env";

/** Public links point at the app's authorised endpoints (at APP_URL); the bucket itself stays private. */
export function downloadUrl(fileId: string, version?: number): string {
  return `${env().APP_URL.replace(/\/$/, "")}/api/v1/files/${fileId}/download${version ? `?version=${version}` : ""}`;
}

/** Keyed by the current version, so a browser may keep it for good and still sees a new version's image. */
function variantUrl(row: FileRow, name: string): string {
  return `${downloadUrl(row.id)}?variant=${name}${row.currentVersionId ? `&v=${row.currentVersionId}` : ""}`;
}

/** Processing makes a thumbnail for every image and video it could decode. */
function thumbnailUrl(row: FileRow): string | null {
  return row.status === "ready" && row.mediaInfo && !row.mediaInfo.unreadable ? variantUrl(row, "thumbnail") : null;
}

/** The list item of the spec's `GET /api/v1/files`, plus the status the UI needs. */
export function toFileSummary(row: FileRow) {
  return {
    fileId: row.id,
    filename: row.filename,
    size: row.size,
    mimeType: row.mimeType,
    url: downloadUrl(row.id),
    /** A signed, short-lived edge URL of the same bytes when a CDN is configured (D3); null otherwise. */
    cdnUrl: originalCdnUrl(row),
    category: row.category,
    tags: row.tags,
    uploadedAt: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
    status: row.status,
    statusReason: row.statusReason,
    ownerId: row.ownerId,
    cameraId: row.cameraId,
    siteId: row.siteId,
    eventId: row.eventId,
    capturedAt: row.capturedAt?.toISOString() ?? null,
    thumbnailUrl: thumbnailUrl(row),
    storageClass: TIER_CLASS[row.storageTier],
    archivedAt: row.archivedAt?.toISOString() ?? null,
  };
}

/** The spec's `POST /api/v1/files/upload` response. */
export function toUploadResponse(row: FileRow) {
  return {
    fileId: row.id,
    filename: row.filename,
    size: row.size,
    mimeType: row.mimeType,
    url: downloadUrl(row.id),
    cdnUrl: originalCdnUrl(row),
    metadata: row.metadata,
    uploadedAt: row.createdAt.toISOString(),
    status: row.status,
  };
}

/** The spec's `GET /api/v1/files/{id}` response. */
export function toFileDetail(row: FileRow, versions: FileVersionRow[], variants: FileVariant[] = []) {
  return {
    ...toFileSummary(row),
    media: row.mediaInfo ?? null,
    variants: variants
      .filter((v) => !v.name.startsWith("convert-"))
      .map((v) => ({ name: v.name, url: variantUrl(row, v.name), cdnUrl: variantCdnUrl(row, v), contentType: v.contentType, width: v.width, height: v.height, size: v.size })),
    metadata: row.metadata,
    checksum: row.checksumSha256,
    storageTier: row.storageTier,
    archiveRule: row.archiveRuleId,
    /** Under an active legal hold (directly, or through its camera or counting event): no delete, purge or archive. */
    legalHold: row.legalHold,
    lastAccessedAt: row.lastAccessedAt?.toISOString() ?? null,
    versions: versions.map((v) => ({
      version: String(v.version),
      size: v.size,
      url: downloadUrl(row.id, v.version),
      createdAt: v.createdAt.toISOString(),
      current: v.id === row.currentVersionId,
      /** Reconciliation found no object for it in the bucket: its download answers 409 file_missing. */
      missing: v.objectMissingAt !== null,
    })),
  };
}

export type FileSummary = ReturnType<typeof toFileSummary>;
export type FileDetail = ReturnType<typeof toFileDetail>;
export type UploadResponse = ReturnType<typeof toUploadResponse>;
