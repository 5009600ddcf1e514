"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Tile } from "@/components/admin/dashboard/dashboard";
import { ApiRequestError, apiFetch } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import { BackupDurationChart, BackupSizeChart } from "./backup-charts";
import { BackupHistory } from "./backup-history";
import { CurrentRun } from "./current-run";
import { formatDuration, formatTime, formatWhen, relative } from "./format";
import { RestorePanel } from "./restore-panel";
import { isActive, type BackupList } from "./types";

const PAGE = 50;
/** An RPO above this means a daily run was missed. */
const RPO_WARN_SECONDS = 36 * 3600;

function runError(error: Error): string {
  if (error instanceof ApiRequestError && error.code === "backup_running") return "A backup is already running: the next one can start when it has finished (see its progress below).";
  return `Could not start the backup: ${error.message}`;
}

function RunButtons({ busy, running, onRun }: { busy: boolean; running: boolean; onRun: (type: "full" | "incremental") => void }) {
  return (
    <div className="row">
      <button type="button" className="btn btn-primary" onClick={() => onRun("full")} disabled={busy} data-testid="run-full"
        title={running ? "A backup is running" : undefined}>
        {busy ? "Starting…" : "Run full backup"}
      </button>
      <button type="button" className="btn" onClick={() => onRun("incremental")} disabled={busy} data-testid="run-incremental">
        Run incremental
      </button>
    </div>
  );
}

function BackupTiles({ list, rpo, now }: { list: BackupList; rpo: number | null; now: number }) {
  const { schedule, lastDrill: drill } = list;
  return (
    <div className="tiles" data-testid="backup-tiles">
      <Tile testId="tile-rpo" label="Recovery point (RPO)" value={rpo !== null ? formatDuration(rpo * 1000) : "None yet"}
        tone={rpo !== null && rpo > RPO_WARN_SECONDS ? "warning" : undefined}
        sub={rpo !== null ? "since the newest verified set's snapshot" : "no verified set yet"} />
      <Tile testId="tile-rto" label="Restore time (RTO)" value={drill?.durationMs != null ? formatDuration(drill.durationMs) : "No drill yet"}
        tone={drill?.status === "failed" ? "danger" : undefined}
        sub={<>{drill ? `last drill ${drill.status}, ${formatTime(drill.at)}` : "measured by the weekly drill"}{schedule.drill.next && ` · next ${formatWhen(schedule.drill.next)}`}</>} />
      <Tile testId="tile-next-full" label="Next full" value={schedule.full.next ? relative(schedule.full.next, now) : "Not scheduled"}
        sub={<>{schedule.full.next && `${formatWhen(schedule.full.next)} · `}<code className="nowrap">{schedule.full.cron}</code></>} />
      <Tile testId="tile-next-incremental" label="Next incremental" value={schedule.incremental.next ? relative(schedule.incremental.next, now) : "Not scheduled"}
        sub={<>{schedule.incremental.next && `${formatWhen(schedule.incremental.next)} · `}<code className="nowrap">{schedule.incremental.cron}</code></>} />
    </div>
  );
}

/**
 * The Backups page: recovery point and time, next runs, the run in progress, history (table and charts) and
 * restore with its dry run. Polls every 1.5 s while a run is going, else every 30 s.
 */
export function BackupsAdmin() {
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ["backups"],
    initialPageParam: "",
    queryFn: ({ pageParam }) => apiFetch<BackupList>(`/api/v1/backups?limit=${PAGE}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) => (q.state.data?.pages[0]?.data.some(isActive) ? 1500 : 30_000),
  });
  const run = useMutation({
    mutationFn: (type: "full" | "incremental") => apiFetch<{ backupId: string }>("/api/v1/backups", { method: "POST", json: { type } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["backups"] }),
  });
  // The clock the "so far" and RPO figures count from, ticking while the page is open.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  const first = list.data?.pages[0];
  const sets = list.data?.pages.flatMap((p) => p.data) ?? [];
  const active = sets.find(isActive);
  // "Already running" answers the run that was going; once it has ended the message no longer holds.
  const activeId = active?.id;
  const wasActive = useRef(activeId);
  const { reset, error } = run;
  useEffect(() => {
    if (wasActive.current && !activeId && error instanceof ApiRequestError && error.code === "backup_running") reset();
    wasActive.current = activeId;
  }, [activeId, error, reset]);
  // The API's RPO is as of its answer; counted on from there so the tile does not stand still between polls.
  const rpo = first?.rpoSeconds != null ? first.rpoSeconds + Math.max(0, (now - list.dataUpdatedAt) / 1000) : null;

  return (
    <div className="stack">
      <div className="page-header" style={{ marginBottom: 0 }}>
        <div>
          <h1>Backups</h1>
          <p>The database and the objects it references, copied as one consistent point, verified after every run and restored weekly in a drill.</p>
        </div>
        <RunButtons busy={run.isPending} running={!!active} onRun={(type) => run.mutate(type)} />
      </div>
      {run.isError && <Alert>{runError(run.error)}</Alert>}

      {list.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading backups…</span></div>
      ) : list.isError || !first ? (
        <Alert>Could not load the backups: {list.error?.message ?? "no answer"}</Alert>
      ) : (
        <>
          <BackupTiles list={first} rpo={rpo} now={now} />

          {active && <CurrentRun set={active} now={now} />}

          {sets.length === 0 ? (
            <EmptyState title="No backups yet" action={<button type="button" className="btn btn-primary" onClick={() => run.mutate("full")} disabled={run.isPending} data-testid="empty-run-full">Run a full backup now</button>}>
              The first scheduled run is {first.schedule.full.next ? formatTime(first.schedule.full.next) : "not scheduled"}; until a set is verified there is nothing to restore.
            </EmptyState>
          ) : (
            <>
              <div className="chart-grid">
                <BackupSizeChart sets={sets} />
                <BackupDurationChart sets={sets} />
              </div>
              <section className="stack" aria-labelledby="history-h">
                <h2 id="history-h" style={{ margin: 0 }}>History</h2>
                <BackupHistory sets={sets} />
                {list.hasNextPage && (
                  <button type="button" className="btn" style={{ alignSelf: "flex-start" }} onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                    {list.isFetchingNextPage ? "Loading…" : "Load older sets"}
                  </button>
                )}
              </section>
              <RestorePanel sets={sets} />
            </>
          )}
        </>
      )}
    </div>
  );
}
