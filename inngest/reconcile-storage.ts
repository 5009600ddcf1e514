import { reconcilePage } from "@/lib/reconcile/scan";
import { failReconcileRun, finishReconcileRun, saveReconcileProgress, startReconcileRun } from "@/lib/reconcile/runs";
import { emptyReconcileCounts, type ReconcileCounts } from "@/lib/reconcile/report";
import { inngest } from "./client";
import { reconcileRunRequested } from "./events";

/** 10 million objects a run at most; a run never loops for ever. */
const MAX_PAGES = 10_000;

/**
 * Sundays at 04:00 UTC and on "run now": the media bucket's listing against the tables, one ListObjectsV2
 * page (1000 keys) per step. The continuation token and the page's last key are the step's output, so a
 * retried or resumed run carries on from the last finished page, and never holds more than one page.
 */
export const reconcileStorage = inngest.createFunction(
  {
    id: "reconcile-storage",
    name: "Reconcile the bucket with the tables",
    retries: 3,
    triggers: [{ cron: "0 4 * * 0" }, reconcileRunRequested],
    onFailure: async ({ event, error, step }) => {
      const original = event.data.event.data as { runId?: string };
      await step.run("record-failure", () => failReconcileRun({ runId: original?.runId, error: error.message }));
    },
  },
  async ({ event, step }) => {
    const requested = (event.data as { runId?: string } | undefined)?.runId;
    const { runId, asOf, graceHours } = await step.run("start-run", () => startReconcileRun({ runId: requested }));
    let totals: ReconcileCounts = emptyReconcileCounts(graceHours);
    let token: string | null = null;
    let lastKey: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result: { totals: ReconcileCounts; token: string | null; lastKey: string | null; more: boolean } = await step.run(`page-${page}`, async () => {
        const out = await reconcilePage({ runId, asOf, graceHours, token, lastKey, totals });
        await saveReconcileProgress({ runId, totals: out.totals });
        return out;
      });
      ({ totals, token, lastKey } = result);
      if (!result.more) break;
    }
    await step.run("finish-run", () => finishReconcileRun({ runId, totals }));
    return { runId, orphans: totals.orphanCount, missing: totals.missingCount };
  },
);
