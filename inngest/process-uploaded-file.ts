import { inngest } from "./client";
import { fileProcessed, fileQuarantined, fileReady, fileUploaded } from "./events";
import type { FileStatus } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { deduplicateVersion } from "@/lib/files/blobs";
import { extractStoredMediaInfo, makeStoredVariants } from "@/lib/files/media";
import { hashStoredVersion, recordProcessingOutcome, scanStoredVersion, sniffStoredVersion, verifyStoredVersion } from "@/lib/files/processing";
import { runJobStep, type JobRef } from "@/lib/jobs/track";

const processing: ServiceContext = { actor: { type: "system", name: "processing" } };

/**
 * Runs after every upload (and again when the sweep or an admin re-sends it). Each step calls one lib
 * function, records its progress in processing_jobs, and is safe to repeat: a retry replays the
 * function from the top, and a re-sent event starts it over on whatever the last run left behind.
 */
export const processUploadedFile = inngest.createFunction(
  {
    id: "process-uploaded-file",
    name: "Process uploaded file",
    retries: 4,
    triggers: [fileUploaded],
    onFailure: async ({ event, error, step }) => {
      const { fileId, versionId, ownerId } = event.data.event.data;
      const outcome = await step.run("record-failure", () =>
        recordProcessingOutcome(fileId, "failed", `Processing failed: ${error.message}`.slice(0, 1000), versionId),
      );
      if (outcome.changed) await step.sendEvent("announce-processed", fileProcessed.create({ fileId, ownerId, status: "failed" }));
    },
  },
  async ({ event, step, attempt }) => {
    const { fileId, versionId, ownerId } = event.data;
    const job: JobRef = { kind: "process-file", fileId, versionId };
    const tracked = <T>(name: string, work: () => Promise<T>) => step.run(name, () => runJobStep(job, name, attempt, work));

    const finish = async (status: Exclude<FileStatus, "processing">, reason: string | null = null) => {
      const outcome = await tracked("record-outcome", () => recordProcessingOutcome(fileId, status, reason, versionId));
      if (outcome.changed) {
        await step.sendEvent("announce-processed", fileProcessed.create({ fileId, ownerId, status }));
        if (outcome.live && status === "ready") await step.sendEvent("announce-ready", fileReady.create({ fileId, ownerId }));
        if (outcome.live && status === "quarantined") await step.sendEvent("announce-quarantined", fileQuarantined.create({ fileId, ownerId }));
      }
      return { fileId, status, reason };
    };

    const stored = await tracked("verify-stored-object", () => verifyStoredVersion(fileId, versionId));
    if (!stored.ok) return finish("failed", stored.reason);

    const hash = await tracked("checksum", () => hashStoredVersion(fileId, versionId));
    if ("ok" in hash) return finish("rejected", hash.reason);
    const moved = await tracked("deduplicate", () => deduplicateVersion(fileId, versionId, hash.sha256, hash.size, hash.etag));
    if (!moved.ok) return finish("rejected", moved.reason);

    // Scanned before the type check: malware dressed up as a photo is quarantined and reported, not
    // merely rejected as an unknown type.
    const scan = await tracked("virus-scan", () => scanStoredVersion(fileId, versionId));
    if (!scan.clean) return finish("quarantined", `ClamAV found ${scan.signature}; the file is kept aside and never served.`);

    const type = await tracked("sniff-type", () => sniffStoredVersion(processing, { fileId, versionId }));
    if (!type.ok) return finish("rejected", type.reason);

    if (type.kind === "image" || type.kind === "video") {
      const kind = type.kind;
      const info = await tracked("extract-metadata", () => extractStoredMediaInfo(processing, { fileId, versionId, kind }));
      if ("ok" in info) return finish("rejected", info.reason);
      const variants = await tracked("make-variants", () => makeStoredVariants(processing, { fileId, versionId, kind, info }));
      if ("ok" in variants) return finish("rejected", variants.reason);
    }
    return finish("ready");
  },
);
