// The backup gauges of GET /api/metrics against the running app: a full backup run through the API shows up in
// them exactly (time, duration, sizes, counts by status), and they always agree with backup_sets.
import { beforeAll, describe, expect, it } from "vitest";
import { testSql } from "@/scripts/testing/backends";
import { startBackup, waitForBackup } from "@/scripts/testing/backup-runs";
import type { BackupSetView } from "@/lib/backup/serialize";
import { adminSignIn, type Session } from "@/scripts/testing/client";
import { expectPromtoolClean, METRICS_TOKEN, metricSample, scrapeMetrics } from "@/scripts/testing/metrics";

describe("backup metrics", () => {
  let admin: Session;
  beforeAll(async () => {
    expect(METRICS_TOKEN, "npm test sets METRICS_TOKEN for the app and the tests").not.toBe("");
    admin = await adminSignIn();
  });

  it("show a full backup run through the API: when it finished, how long it took, what it holds", async () => {
    const set = (await waitForBackup(admin, await startBackup(admin, "full"))) as BackupSetView;
    expect(set.status).toBe("completed");
    const text = await scrapeMetrics();
    expect(metricSample(text, "framevault_backup_last_success_timestamp_seconds")).toBeCloseTo(new Date(set.finishedAt!).getTime() / 1000, 2);
    expect(metricSample(text, "framevault_backup_last_success_duration_seconds")).toBeCloseTo(set.durationMs! / 1000, 2);
    expect(metricSample(text, "framevault_backup_last_success_objects")).toBe(set.objects);
    expect(metricSample(text, "framevault_backup_last_success_bytes", { kind: "total" })).toBe(set.bytesTotal);
    expect(metricSample(text, "framevault_backup_last_success_bytes", { kind: "copied" })).toBe(set.bytesCopied);
    expect(metricSample(text, "framevault_backup_last_success_bytes", { kind: "database" })).toBe(set.databaseBytes);
    expect(metricSample(text, "framevault_backup_last_verified_epoch_timestamp_seconds")).toBeCloseTo(new Date(set.epochAt!).getTime() / 1000, 2);
    expect(metricSample(text, "framevault_backup_running")).toBe(0);
  });

  it("count sets by type and status as backup_sets holds them, for every pair (zeros included)", async () => {
    const sql = testSql();
    const counts = () => sql<{ type: string; status: string; n: number }[]>`select type::text, status::text, count(*)::int as n from backup_sets group by 1, 2 order by 1, 2`;
    // The last run's retention may still be expiring older sets: compare at a moment when nothing changed
    // between the reads around the scrape.
    let rows = await counts();
    let text = await scrapeMetrics();
    let after = await counts();
    for (let attempt = 0; attempt < 20 && JSON.stringify(after) !== JSON.stringify(rows); attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      rows = await counts();
      text = await scrapeMetrics();
      after = await counts();
    }
    expect(after, "no set started or ended during the scrape").toEqual(rows);
    expect(rows.find((r) => r.type === "full" && r.status === "completed")?.n ?? 0).toBeGreaterThan(0);
    for (const type of ["full", "incremental"]) {
      for (const status of ["running", "verifying", "completed", "failed", "expired"]) {
        expect(metricSample(text, "framevault_backup_sets", { type, status }), `${type}/${status}`).toBe(rows.find((r) => r.type === type && r.status === status)?.n ?? 0);
      }
    }
  });

  it("pass promtool check metrics", async () => {
    const text = await scrapeMetrics();
    expectPromtoolClean(text);
    for (const name of [
      "framevault_backup_last_success_timestamp_seconds", "framevault_backup_last_success_duration_seconds", "framevault_backup_last_success_bytes",
      "framevault_backup_last_drill_duration_seconds", "framevault_backup_last_verified_epoch_timestamp_seconds", "framevault_backup_sets", "framevault_backup_running",
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} gauge$`, "m"));
    }
  });
});
