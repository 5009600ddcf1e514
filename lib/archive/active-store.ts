import "server-only";
import { env } from "@/lib/env";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { awsArchiveStore, storageClassArchiveStore, type ArchiveStore } from "./store";

/** The store ARCHIVE_PROVIDER names, over the app's S3 client and media bucket. */
export function archiveStore(): ArchiveStore {
  const make = env().ARCHIVE_PROVIDER === "aws" ? awsArchiveStore : storageClassArchiveStore;
  return make(s3().internal, mediaBucket());
}
