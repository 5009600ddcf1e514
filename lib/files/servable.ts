import type { FileRow, FileVersionRow } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";

/**
 * Only files that passed processing (checksum, virus scan, type check) are ever served, in any form:
 * the original, a version, a variant or a conversion.
 */
export function assertServable(file: FileRow): void {
  if (file.status === "ready") return;
  const reason = file.statusReason ? `: ${file.statusReason}` : "";
  if (file.status === "processing") {
    throw new ApiError(409, "file_processing", "This file is still being checked (virus scan, type, previews); it can be downloaded once it is ready.", { "Retry-After": "2" });
  }
  if (file.status === "failed") {
    throw new ApiError(409, "file_unavailable", `Processing of this file failed${reason}. An admin can run it again from the Jobs page.`);
  }
  throw new ApiError(409, "file_unavailable", `This file is ${file.status}${reason} and cannot be downloaded.`);
}

/**
 * An older or newer version than the current one (whose status is the file's) must have passed processing
 * too: a new version still being checked, or one that failed or was quarantined, is never served.
 */
export function assertVersionServable(version: FileVersionRow): void {
  if (version.status === "ready") return;
  const reason = version.statusReason ? `: ${version.statusReason}` : "";
  if (version.status === "processing") {
    throw new ApiError(409, "file_processing", `Version ${version.version} is still being checked; it can be downloaded once it is ready.`, { "Retry-After": "2" });
  }
  throw new ApiError(409, "file_unavailable", `Version ${version.version} is ${version.status}${reason} and cannot be downloaded.`);
}
