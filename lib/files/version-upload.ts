import "server-only";
import { getDb } from "@/db/client";
import { badRequest } from "@/lib/api/errors";
import type { ServiceContext } from "@/lib/auth/actor";
import { receiveMultipartUpload } from "./api-upload";
import { announceFileEvent, uploadSource } from "./events";
import { findVisibleFile } from "./lookup";
import { assertWithinQuota } from "./quota";
import { sha256HexSchema } from "./schemas";
import { readVersionInfos, recordNewVersion } from "./versions";

/**
 * Category, tags and metadata belong to the file, not to one version of its content: a new version that
 * carries them is refused rather than quietly ignoring them (they are changed with PATCH).
 */
export function refuseFileFields(given: { category?: unknown; tags?: unknown; metadata?: unknown }): void {
  const misplaced = Object.entries(given)
    .filter(([, v]) => v !== undefined && v !== "" && !(Array.isArray(v) && v.every((x) => typeof x === "string" && !x.trim())))
    .map(([name]) => name);
  if (misplaced.length) {
    throw badRequest(`A new version keeps the file's ${misplaced.join(", ")}; change them with PATCH /api/v1/files/{id}.`, "invalid_version_fields");
  }
}

/** The form fields of a version upload: only the optional `checksum`. */
export function parseVersionFields(fields: Record<string, string[]>): { expectedSha256?: string } {
  refuseFileFields({ category: fields.category, tags: fields.tags, metadata: fields.metadata });
  return { expectedSha256: fields.checksum?.[0] ? sha256HexSchema.parse(fields.checksum[0].trim().toLowerCase()) : undefined };
}

/**
 * `POST /api/v1/files/{id}/versions`: streamed to storage exactly as `POST /api/v1/files/upload` is, counted
 * against the file owner's quota, recorded as the next version (`processing`) and handed to processing,
 * which makes it current once it passes.
 */
export async function uploadVersionFromMultipartRequest(ctx: ServiceContext, input: { fileId: string; req: Request }) {
  const file = await findVisibleFile(ctx, input.fileId);
  const version = await receiveMultipartUpload(input.req, { quotaOwnerId: file.ownerId, fileId: file.id }, async (stored) => {
    const { expectedSha256 } = parseVersionFields(stored.fields);
    const { version } = await getDb().transaction(async (tx) => {
      const recorded = await recordNewVersion(tx, ctx, {
        fileId: file.id, versionId: stored.versionId, objectKey: stored.objectKey, size: stored.size, mimeType: stored.mimeType,
        storageEtag: stored.etag, expectedSha256, via: "api",
      });
      // Last, so the owner's usage row is locked for this call and the commit only.
      await assertWithinQuota(tx, file.ownerId, stored.size);
      return recorded;
    });
    await announceFileEvent({
      name: "file/uploaded",
      data: { fileId: file.id, versionId: version.id, ownerId: file.ownerId, source: uploadSource(ctx.actor, file.cameraId), cameraId: file.cameraId },
    });
    return version;
  });
  // Read after the callback: a failure here must not delete the object of a committed version.
  const [info] = await readVersionInfos(ctx, file.id, version.id);
  return info;
}
