import { runRestoreJob } from "@/lib/backup/restore/jobs";
import { inngest } from "./client";
import { backupRestoreRequested } from "./events";

/**
 * A restore job (or its dry run) from POST /api/v1/backups/{id}/restore, in one step: the set's rows are
 * read into temporary tables of one transaction, which cannot span steps. The step records its own outcome
 * (completed or failed) and is not retried: objects already copied back are kept and found again by a
 * new job, whose rows then go in whole or not at all.
 */
export const restoreBackup = inngest.createFunction(
  {
    id: "restore-backup",
    name: "Restore from a backup set",
    retries: 0,
    concurrency: { limit: 1 },
    triggers: [backupRestoreRequested],
  },
  async ({ event, step }) => step.run("restore", () => runRestoreJob({ restoreId: event.data.restoreId })),
);
