import "server-only";
import type { Readable } from "node:stream";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { ZipFile } from "yazl";
import { getDb } from "@/db/client";
import { files, fileVersions } from "@/db/schema";
import { CONTENT_LENGTH_HEADER } from "@/lib/api/internal-headers.mjs";
import { ApiError, notFound, payloadTooLarge } from "@/lib/api/errors";
import { noteFileAccess } from "@/lib/archive/access";
import { isArchivedTier } from "@/lib/archive/classes";
import { recordAuditEvent } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/actor";
import { env } from "@/lib/env";
import { formatBytes } from "@/lib/format";
import { logger } from "@/lib/log";
import { mediaBucket, s3 } from "@/lib/storage/s3";
import { streamedResponse } from "@/lib/storage/web-stream";
import { fileAccessConditions } from "./access";
import { contentDisposition } from "./filename";
import type { BulkDownloadInput } from "./schemas";
import { uniqueEntryNames } from "./zip-names";

/** Ids named in `X-Framevault-Skipped` at most (the header stays far below any proxy's header limit). */
const SKIPPED_HEADER_IDS = 100;

/**
 * `POST /api/v1/files/bulk-download`: the current version of each file the caller may read and that passed
 * processing, as one ZIP streamed from storage. Entries are stored (media is already compressed), so the
 * archive's length is known before the first byte and sent as Content-Length; each object is fetched only
 * when its entry is written, one at a time, and piped through with backpressure: memory stays flat whatever
 * the total. Every file is audited as a `file.download` before any byte goes out, as a single download is.
 */
export async function openBulkDownload(ctx: ServiceContext, input: BulkDownloadInput): Promise<Response> {
  const rows = await getDb()
    .select({ file: files, version: fileVersions })
    .from(files)
    .innerJoin(fileVersions, eq(fileVersions.id, files.currentVersionId))
    .where(and(inArray(files.id, input.ids), isNull(files.deletedAt), ...fileAccessConditions(ctx.actor)));
  const byId = new Map(rows.map((r) => [r.file.id, r]));
  const entries = input.ids.flatMap((id) => {
    const row = byId.get(id);
    // Archived files are left out (named as skipped): their content comes back one retrieval at a time.
    return row && row.file.status === "ready" && !isArchivedTier(row.file.storageTier) ? [row] : [];
  });
  if (entries.length === 0) {
    if (rows.length > 0) throw new ApiError(409, "file_unavailable", "None of these files has passed processing yet; only ready files can be downloaded.");
    throw notFound("Files");
  }
  const total = entries.reduce((sum, e) => sum + e.version.size, 0);
  const limit = env().BULK_DOWNLOAD_MAX_BYTES;
  if (total > limit) {
    throw payloadTooLarge(`These files add up to ${formatBytes(total)}; one ZIP may hold at most ${formatBytes(limit)}. Download fewer at a time.`);
  }

  await auditDownloads(ctx, entries);

  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  let current: Readable | null = null;
  const names = uniqueEntryNames(entries.map((e) => e.file.filename));
  // A storage failure half-way cuts the response short: the client sees a truncated archive, never a wrong one.
  zip.on("error", (err) => {
    if (!output.destroyed) logger.error({ err, requestId: ctx.request?.requestId }, "bulk download stopped");
    current?.destroy();
    output.destroy(err);
  });
  // The client went away: release the storage connection of the entry being written.
  output.once("close", () => current?.destroy());
  entries.forEach(({ file, version }, i) => {
    const options = { size: version.size, compress: false, mode: 0o100644, mtime: file.capturedAt ?? file.createdAt };
    zip.addReadStreamLazy(names[i], options, (done) => {
      if (output.destroyed) return done(new Error("the client went away"), undefined as never);
      s3()
        .internal.send(new GetObjectCommand({ Bucket: mediaBucket(), Key: version.objectKey }))
        .then((object) => {
          // On Node the SDK's body is the HTTP response stream itself.
          current = object.Body as Readable;
          done(null, current);
        }, (err) => done(err, undefined as never));
    });
  });
  let length = -1;
  // yazl passes the size it calculated; @types/yazl 3.3 declares the callback without its argument.
  const setLength = (size: number) => void (length = size);
  zip.end(undefined, setLength as unknown as () => void);

  const skipped = input.ids.filter((id) => !entries.some((e) => e.file.id === id));
  const headers = new Headers({
    "Content-Type": "application/zip",
    "Content-Disposition": contentDisposition(`framevault-${entries.length}-files-${new Date().toISOString().slice(0, 10)}.zip`),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Framevault-Zip-Entries": String(entries.length),
    "X-Framevault-Skipped-Count": String(skipped.length),
  });
  if (skipped.length) headers.set("X-Framevault-Skipped", skipped.slice(0, SKIPPED_HEADER_IDS).join(","));
  if (length >= 0) headers.set(CONTENT_LENGTH_HEADER, String(length));
  return streamedResponse(output, 200, headers);
}

type Entry = { file: typeof files.$inferSelect; version: typeof fileVersions.$inferSelect };

/** One `file.download` per file (whole downloads are never coalesced), all in one transaction, before any byte. */
async function auditDownloads(ctx: ServiceContext, entries: Entry[]): Promise<void> {
  await getDb().transaction(async (tx) => {
    for (const { file, version } of entries) {
      await recordAuditEvent({ ...ctx, tx }, { action: "file.download", fileId: file.id, details: { version: version.version, status: 200, zip: true } });
    }
  });
  for (const { file } of entries) noteFileAccess(file.id, file.lastAccessedAt);
}
