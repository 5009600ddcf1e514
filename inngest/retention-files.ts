import { emptyRetentionCounts, failRetentionRun, finishRetentionRun, retentionBatch, startRetentionRun, type RetentionCounts } from "@/lib/retention/run";
import { inngest } from "./client";
import { retentionRunRequested } from "./events";

/** 10 million files a run at most; a run never loops for ever. */
const MAX_BATCHES = 10_000;

/**
 * Daily at 03:15 UTC (after the archive run, before the trash purge) and on "run now": every live file a
 * retention rule governs is judged at the run's `asOf`; the due ones go to the trash or to their archive class,
 * a batch of 1000 per step, 3 at a time. Each step is idempotent (a trashed file is no longer live, an archived
 * one is already in its class), so a retried step or a run that died half-way never acts twice.
 */
export const retentionFiles = inngest.createFunction(
  {
    id: "retention-files",
    name: "Apply retention rules",
    retries: 3,
    triggers: [{ cron: "15 3 * * *" }, retentionRunRequested],
    onFailure: async ({ event, error, step }) => {
      const original = event.data.event.data as { runId?: string };
      await step.run("record-failure", () => failRetentionRun({ runId: original?.runId, error: error.message }));
    },
  },
  async ({ event, step }) => {
    const requested = (event.data as { runId?: string } | undefined)?.runId;
    const { runId, asOf } = await step.run("start-run", () => startRetentionRun({ runId: requested }));
    let totals: RetentionCounts = emptyRetentionCounts();
    let after: string | null = null;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const result: { totals: RetentionCounts; after: string | null; more: boolean } = await step.run(`retention-batch-${batch}`, () =>
        retentionBatch({ runId, asOf, after, totals }),
      );
      totals = result.totals;
      after = result.after;
      if (!result.more) break;
    }
    await step.run("finish-run", () => finishRetentionRun({ runId, totals }));
    return { runId, trashed: totals.trashed, archived: totals.archived, failed: totals.failed };
  },
);
