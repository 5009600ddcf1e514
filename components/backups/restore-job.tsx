"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { apiFetch } from "@/components/ui/api";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Alert, Spinner } from "@/components/ui/feedback";
import { formatBytes } from "@/lib/format";
import type { RestoreFile, RestoreView } from "./types";

/** Files listed at most; the totals count them all. */
const SHOWN = 100;
const REASONS: Record<string, string> = {
  purged: "gone since the set: comes back",
  incomplete: "versions or variants missing: filled in",
  overwrite_newer: "changed since the set: overwritten as asked",
  unchanged: "as in the set: nothing to do",
  newer: "changed since the set: left as it is",
  owner_missing: "its owner no longer exists",
};
const STATUS_BADGE: Record<RestoreView["status"], string> = { queued: "badge-processing", running: "badge-processing", completed: "badge-ready", failed: "badge-failed" };

const COLUMNS: Column<RestoreFile>[] = [
  { header: "File", width: "30%", primary: true, cell: (f) => <Link href={`/files/${f.fileId}`}>{f.name}</Link> },
  {
    header: "Action", width: "16%",
    cell: (f) => (
      <span className="row" style={{ gap: 4 }}>
        <span className={`badge ${f.action === "restore" ? "badge-ready" : ""}`}>{f.action}</span>
        {f.newer && <span className="badge badge-warning" title="Changed after the set was taken">newer</span>}
      </span>
    ),
  },
  { header: "Why", width: "24%", cell: (f) => <span className="muted" data-reason={f.reason}>{REASONS[f.reason] ?? f.reason}</span> },
  { header: "Versions", width: "10%", align: "end", cell: (f) => f.versions },
  { header: "Variants", width: "10%", align: "end", cell: (f) => f.variants },
  { header: "Bytes", width: "10%", align: "end", cell: (f) => formatBytes(f.bytes) },
];

const count = (n: number, noun: string) => `${n.toLocaleString()} ${noun}${n === 1 ? "" : "s"}`;
const finished = (r: RestoreView | undefined) => r?.status === "completed" || r?.status === "failed";

/** A restore or dry run, followed at GET /api/v1/restores/{id} (every second until it ends). One cache entry per job, shared by its readers. */
export function useRestoreJob(id: string | null) {
  return useQuery({
    queryKey: ["restore", id],
    queryFn: () => apiFetch<RestoreView>(`/api/v1/restores/${id}`),
    enabled: id !== null,
    refetchInterval: (q) => (finished(q.state.data) ? false : 1000),
  });
}

/** A restore or dry run as it goes: progress, then what it did (or would do). */
export function RestoreJob({ id }: { id: string }) {
  const job = useRestoreJob(id);
  if (job.isPending) return <div className="row"><Spinner /> <span className="muted">Loading the restore…</span></div>;
  if (job.isError) return <Alert>Could not load the restore: {job.error.message}</Alert>;
  const r = job.data;
  const done = finished(r);
  const t = r.result?.totals;
  const newer = t?.newer ?? 0;
  const kind = r.dryRun ? "Dry run" : "Restore";
  return (
    <div className="stack" data-testid="restore-job" data-status={r.status} data-dry-run={String(r.dryRun)} aria-live="polite">
      <div className="row">
        <strong>{kind}</strong>
        <span className={`badge ${STATUS_BADGE[r.status]}`} data-testid="restore-status">{r.status}</span>
        <code className="muted">{r.id}</code>
      </div>
      {!done && (
        <div className="bulk-progress">
          <span className="muted">{r.progress ? `${r.progress.phase}: ${r.progress.done} of ${r.progress.total}` : "Waiting to start…"}</span>
          <progress max={r.progress?.total || undefined} value={r.progress?.total ? r.progress.done : undefined} aria-label={`${kind} progress`} />
        </div>
      )}
      {r.status === "failed" && <Alert>{kind} failed: {r.error ?? "no reason given"}</Alert>}
      {t && (
        <p style={{ margin: 0 }} data-testid="restore-totals">
          {r.dryRun ? "Would restore" : "Restored"} <strong>{count(t.files, "file")}</strong> ({count(t.versions, "version")}, {count(t.objects, "object")}, {formatBytes(t.bytes)});
          {" "}<strong>{t.skipped.toLocaleString()}</strong> skipped.
        </p>
      )}
      {newer > 0 && (
        <Alert kind="info">
          {newer === 1 ? "1 file changed" : `${newer} files changed`} after this set was taken and {r.dryRun ? "would be" : "was"} left as it is now, unless the restore overwrites newer files.
        </Alert>
      )}
      {r.result && r.result.files.length > 0 && (
        <>
          <DataTable caption={`${kind}: files`} columns={COLUMNS} rows={r.result.files.slice(0, SHOWN)} rowKey={(f) => f.fileId}
            rowProps={(f) => ({ "data-testid": "restore-file", "data-action": f.action, "data-newer": f.newer ? "true" : undefined })} />
          {(r.result.files.length > SHOWN || r.result.truncated) && (
            <p className="field-hint" style={{ margin: 0 }}>The first {Math.min(SHOWN, r.result.files.length)} of {(t!.files + t!.skipped).toLocaleString()} files; the totals count them all.</p>
          )}
        </>
      )}
      {r.result && r.result.files.length === 0 && <p className="muted" style={{ margin: 0 }}>No file of this set matches the scope.</p>}
    </div>
  );
}
