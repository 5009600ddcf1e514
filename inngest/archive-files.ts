import { archiveBatch, emptyArchiveCounts, failArchiveRun, finishArchiveRun, startArchiveRun, type ArchiveCounts } from "@/lib/archive/runs";
import { inngest } from "./client";
import { archiveRunRequested } from "./events";

/** 10 million files a run at most; a run never loops for ever. */
const MAX_BATCHES = 10_000;

/**
 * Daily at 03:00 UTC and on "run now": files an archive rule selects move to its class, a batch of 1000 per
 * step, 3 moves at a time. Each step is a retry boundary whose work is idempotent (HeadObject before a copy,
 * the row updated once), so a retried step or a run that died half-way (the next day's run picks the rest up,
 * since nothing was recorded for them) never moves a file twice.
 */
export const archiveFiles = inngest.createFunction(
  {
    id: "archive-files",
    name: "Archive files by policy",
    retries: 3,
    triggers: [{ cron: "0 3 * * *" }, archiveRunRequested],
    onFailure: async ({ event, error, step }) => {
      const original = event.data.event.data as { runId?: string };
      await step.run("record-failure", () => failArchiveRun({ runId: original?.runId, error: error.message }));
    },
  },
  async ({ event, step }) => {
    const requested = (event.data as { runId?: string } | undefined)?.runId;
    const { runId, asOf } = await step.run("start-run", () => startArchiveRun({ runId: requested }));
    let totals: ArchiveCounts = emptyArchiveCounts();
    let after: string | null = null;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const result: { totals: ArchiveCounts; after: string | null; more: boolean } = await step.run(`archive-batch-${batch}`, () =>
        archiveBatch({ runId, asOf, after, totals }),
      );
      totals = result.totals;
      after = result.after;
      if (!result.more) break;
    }
    await step.run("finish-run", () => finishArchiveRun({ runId, totals }));
    return { runId, moved: totals.moved, failed: totals.failed };
  },
);
