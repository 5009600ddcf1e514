// A lifecycle run ("run now") through the API as the tests start it: wait until no run of the kind is queued or
// running (other tests press "run now" too), start one, follow it to "succeeded".
import { expect } from "vitest";
import { waitForStatus } from "./backends";
import type { Session } from "./client";

export interface FinishedRun {
  id: string;
  status: string;
  counts: Record<string, any>;
}

export async function runLifecycle(
  admin: Session,
  kind: "archive" | "retention" | "reconcile",
  opts: { graceHours?: number; timeoutMs?: number } = {},
): Promise<FinishedRun> {
  await waitForStatus(async () => {
    const { body } = await admin.json(`/api/v1/lifecycle/runs?kind=${kind}`);
    return String(body.runs.some((r: { status: string }) => r.status === "running" || r.status === "queued"));
  }, "false", 120_000);
  const body = { kind, ...(opts.graceHours === undefined ? {} : { graceHours: opts.graceHours }) };
  const started = await admin.json("/api/v1/lifecycle/runs", { method: "POST", body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const runId = started.body.runId as string;
  const status = await waitForStatus(async () => (await admin.json(`/api/v1/lifecycle/runs/${runId}`)).body.status, "succeeded", opts.timeoutMs ?? 120_000);
  const run = (await admin.json(`/api/v1/lifecycle/runs/${runId}`)).body;
  expect(status, JSON.stringify(run)).toBe("succeeded");
  return run;
}
