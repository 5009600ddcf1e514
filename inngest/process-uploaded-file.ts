import { inngest } from "./client";
import { fileReady, fileUploaded } from "./events";
import { recordProcessingOutcome, verifyStoredVersion } from "@/lib/files/processing";

/**
 * Runs after every upload. Each step calls one lib function and is safe to repeat, because a retry
 * replays the function from the top.
 */
export const processUploadedFile = inngest.createFunction(
  { id: "process-uploaded-file", name: "Process uploaded file", retries: 4, triggers: [fileUploaded] },
  async ({ event, step }) => {
    const { fileId, versionId } = event.data;
    const check = await step.run("verify-stored-object", () => verifyStoredVersion(fileId, versionId));
    const status = check.ok ? "ready" : "failed";
    const outcome = await step.run("record-outcome", () => recordProcessingOutcome(fileId, status, check.reason ?? null));
    if (outcome.changed && outcome.live && status === "ready") {
      await step.sendEvent("announce-ready", fileReady.create({ fileId, ownerId: event.data.ownerId }));
    }
    return { fileId, status };
  },
);
