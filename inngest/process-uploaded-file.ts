import { inngest } from "./client";
import { fileProcessed, fileQuarantined, fileReady, fileUploaded } from "./events";
import type { FileStatus } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/actor";
import { processingConcurrency } from "@/lib/env";
import { extractMetadataAndMakeVariants } from "@/lib/files/media";
import { recordProcessingOutcome, scanAndSniffStoredVersion, verifyAndStoreContent } from "@/lib/files/processing";
import { runJobStep, type JobRef } from "@/lib/jobs/track";
import { logger, withRequestId } from "@/lib/log";

const processing: ServiceContext = { actor: { type: "system", name: "processing" } };
const limit = processingConcurrency();

/**
 * Runs after every upload (and again when the sweep or an admin re-sends it). Three working steps,
 * each a retry boundary around work that is expensive to repeat (the content check and dedup, the
 * scan, the image work), then the outcome. Each calls one lib function, records its progress in
 * processing_jobs, and is safe to repeat: a retry replays the function from the top, and a re-sent
 * event starts it over on whatever the last run left behind.
 */
export const processUploadedFile = inngest.createFunction(
  {
    id: "process-uploaded-file",
    name: "Process uploaded file",
    retries: 4,
    triggers: [fileUploaded],
    // Steps at once: PROCESSING_CONCURRENCY in all, half of it for one camera (files without a camera
    // queue per owner), so a camera with a backlog cannot hold every slot and starve the others.
    concurrency: [
      { limit },
      { key: "event.data.cameraId != null ? event.data.cameraId : event.data.ownerId", limit: Math.max(1, Math.floor(limit / 2)) },
    ],
    // Waiting work starts in this order: a person's upload ahead of anything queued in the last 10 minutes,
    // re-sent (backfill) work 10 minutes behind (Inngest's bounds are ±600 s).
    priority: { run: "event.data.source == 'person' ? 600 : event.data.source == 'backfill' ? -600 : 0" },
    onFailure: async ({ event, error, step }) => {
      const { fileId, versionId, ownerId, requestId } = event.data.event.data;
      const outcome = await step.run("record-failure", () =>
        withRequestId(requestId, () => {
          logger.error({ fileId, versionId, err: error }, "processing failed after its retries");
          return recordProcessingOutcome(fileId, "failed", `Processing failed: ${error.message}`.slice(0, 1000), versionId);
        }),
      );
      if (outcome.changed) await step.sendEvent("announce-processed", fileProcessed.create({ fileId, ownerId, status: "failed" }));
    },
  },
  async ({ event, step, attempt }) => {
    const { fileId, versionId, ownerId, requestId } = event.data;
    const job: JobRef = { kind: "process-file", fileId, versionId, requestId };
    const tracked = <T>(name: string, work: () => Promise<T>) => step.run(name, () => runJobStep(job, name, attempt, work));

    const finish = async (status: Exclude<FileStatus, "processing">, reason: string | null = null) => {
      const outcome = await tracked("record-outcome", () => recordProcessingOutcome(fileId, status, reason, versionId));
      if (outcome.changed) {
        // One step for all of them: each step is a round trip to the app.
        await step.sendEvent("announce-outcome", [
          fileProcessed.create({ fileId, ownerId, status }),
          ...(outcome.live && status === "ready" ? [fileReady.create({ fileId, ownerId })] : []),
          ...(outcome.live && status === "quarantined" ? [fileQuarantined.create({ fileId, ownerId })] : []),
        ]);
      }
      return { fileId, status, reason };
    };

    const content = await tracked("verify-checksum", () => verifyAndStoreContent(processing, { fileId, versionId }));
    if (!content.ok) return finish(content.status, content.reason);

    const type = await tracked("virus-scan", () => scanAndSniffStoredVersion(processing, { fileId, versionId }));
    if (!type.ok) return finish(type.status, type.reason);

    if (type.kind === "image" || type.kind === "video") {
      const kind = type.kind;
      const media = await tracked("metadata-variants", () => extractMetadataAndMakeVariants(processing, { fileId, versionId, kind }));
      if (!media.ok) return finish("rejected", media.reason);
    }
    return finish("ready");
  },
);
