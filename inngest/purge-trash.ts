import { purgeExpiredTrash } from "@/lib/files/purge";
import { deleteQueuedObjects, sweepUnreferencedBlobs } from "@/lib/files/release-storage";
import { inngest } from "./client";
import { trashPurgeRequested } from "./events";

/** Batches one run takes on; whatever is left waits for the next day. */
const MAX_BATCHES = 100;

/**
 * Daily (and on `trash/purge.requested`): files whose time in the trash is over (`purgeAfter`, set to
 * TRASH_RETENTION_DAYS after the delete) are purged a batch per step, each file in its own transaction
 * that queues the objects it released; then the queued objects and the blobs left without references are
 * deleted. Every step picks up whatever an earlier, interrupted run left, so a crash half-way only delays.
 */
export const purgeTrash = inngest.createFunction(
  {
    id: "purge-trash",
    name: "Purge files past their time in the trash",
    retries: 3,
    triggers: [{ cron: "30 3 * * *" }, trashPurgeRequested],
  },
  async ({ step }) => {
    let purged = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const result = await step.run(`purge-expired-files-${batch}`, () => purgeExpiredTrash());
      purged += result.purged;
      if (!result.more) break;
    }
    const objects = await step.run("delete-queued-objects", () => deleteQueuedObjects());
    const blobs = await step.run("sweep-unreferenced-blobs", () => sweepUnreferencedBlobs());
    return { purged, ...objects, ...blobs };
  },
);
