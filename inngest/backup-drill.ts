import { backupDrillCron } from "@/lib/env";
import { runDrill } from "@/lib/backup/restore/drill-job";
import { inngest } from "./client";
import { backupDrillRequested } from "./events";

/**
 * The restore drill (B3): weekly (BACKUP_DRILL_CRON, Sunday 04:00 UTC, after the full backup at 02:00) on
 * the latest verified set, and on "drill now" for a named one. One step: the scratch tables live in one
 * transaction. Its result and duration (the measured RTO) go on the set; a failure opens the backup-drill alert.
 */
export const backupDrill = inngest.createFunction(
  {
    id: "backup-drill",
    name: "Restore drill",
    retries: 0,
    concurrency: { limit: 1 },
    triggers: [{ cron: backupDrillCron() }, backupDrillRequested],
  },
  async ({ event, step }) => {
    const setId = (event.data as { setId?: string } | undefined)?.setId;
    return step.run("drill", () => runDrill({ setId }));
  },
);
