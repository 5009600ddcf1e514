import { deleteUnownedUploadObjects, expireUploadSessions } from "@/lib/files/upload-cleanup";
import { inngest } from "./client";

/**
 * Every five minutes: browser uploads past their session's lifetime are expired (multipart upload
 * aborted, object deleted, quota released), then uploaded bytes that no session or file owns are
 * deleted. Both steps are idempotent, so overlapping runs do no harm.
 */
export const sweepUploads = inngest.createFunction(
  { id: "sweep-uploads", name: "Sweep expired and unowned uploads", retries: 2, triggers: [{ cron: "*/5 * * * *" }] },
  async ({ step }) => {
    const sessions = await step.run("expire-upload-sessions", () => expireUploadSessions());
    const unowned = await step.run("delete-unowned-upload-objects", () => deleteUnownedUploadObjects());
    return { ...sessions, ...unowned };
  },
);
