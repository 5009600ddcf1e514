import { takeStorageSnapshot } from "@/lib/operations/snapshots";
import { inngest } from "./client";
import { storageSnapshotRequested } from "./events";

/** Daily shortly after midnight UTC (and on `storage/snapshot.requested`): today's storage by tier and camera. */
export const storageSnapshot = inngest.createFunction(
  { id: "storage-snapshot", name: "Take the daily storage snapshot", retries: 3, triggers: [{ cron: "5 0 * * *" }, storageSnapshotRequested] },
  async ({ step }) => step.run("take-snapshot", () => takeStorageSnapshot()),
);
