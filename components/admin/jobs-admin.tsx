"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { apiFetch } from "@/components/ui/api";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import type { listJobs } from "@/lib/jobs/manage";

type JobList = Awaited<ReturnType<typeof listJobs>>;
type Job = JobList["jobs"][number];
type JobStatus = Job["status"];

const BADGES: Record<JobStatus, string> = { queued: "badge-processing", running: "badge-processing", succeeded: "badge-ready", failed: "badge-failed" };
const LABELS: Record<JobStatus, string> = { queued: "Queued", running: "Running", succeeded: "Succeeded", failed: "Failed" };
const FILTERS: { value: "" | JobStatus; label: string }[] = [
  { value: "", label: "All" },
  { value: "failed", label: "Failed" },
  { value: "queued", label: "Queued" },
  { value: "running", label: "Running" },
  { value: "succeeded", label: "Succeeded" },
];

function duration(ms: number | null): string {
  if (ms === null) return "—";
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

function RetryButton({ job }: { job: Job }) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => apiFetch<unknown>(`/api/v1/jobs/${job.id}/retry`, { method: "POST" }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["jobs"] }),
  });
  return (
    <>
      <button type="button" className="btn btn-sm" disabled={retry.isPending} onClick={() => retry.mutate()} aria-label={`Retry ${job.kind} of ${job.filename}`}>
        {retry.isPending ? "Retrying…" : job.status === "failed" ? "Retry" : "Run again"}
      </button>
      {retry.isError && <div className="field-hint" role="alert" style={{ color: "var(--danger)" }}>{retry.error.message}</div>}
    </>
  );
}

const JOB_COLUMNS: Column<Job>[] = [
  {
    header: "File", width: "20%", primary: true,
    cell: (job) => (
      <>
        <Link href={`/files/${job.fileId}`}>{job.filename}</Link>
        {job.statusReason && <div className="field-hint clamp-2" title={job.statusReason}>{job.statusReason}</div>}
      </>
    ),
  },
  { header: "Kind", width: "13%", cell: (job) => <><code>{job.kind}</code>{job.step && <div className="muted">{job.step}</div>}</> },
  { header: "Status", width: "10%", cell: (job) => <span className={`badge ${BADGES[job.status]}`}>{LABELS[job.status]}</span> },
  {
    header: "Attempts", width: "8%", align: "end",
    cell: (job) => <>{job.attempts}{job.resends > 0 && <div className="muted" title="Times re-sent by the sweep or an admin">{job.resends} re-sent</div>}</>,
  },
  { header: "Duration", width: "8%", align: "end", cell: (job) => duration(job.durationMs) },
  {
    header: "Last error", width: "20%",
    cell: (job) => (job.lastError ? <span className="field-hint clamp-2" style={{ color: "var(--danger)" }} title={job.lastError}>{job.lastError}</span> : "—"),
  },
  { header: "Queued", width: "11%", cell: (job) => <span className="muted">{new Date(job.queuedAt).toLocaleString()}</span> },
  { header: "Actions", width: "10%", hideHeader: true, align: "end", cell: (job) => job.status !== "running" && <RetryButton job={job} /> },
];

/** Background work as the app's own records show it, not as the workflow engine remembers it. */
export function JobsAdmin() {
  const [status, setStatus] = useState<"" | JobStatus>("");
  const query = useQuery({
    queryKey: ["jobs", status],
    queryFn: () => apiFetch<JobList>(`/api/v1/jobs?limit=100${status ? `&status=${status}` : ""}`),
    refetchInterval: 3000,
  });
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Jobs</h1>
          <p className="muted" style={{ margin: 0 }}>Processing of every upload: checksum, deduplication, virus scan, type check, metadata and previews.</p>
        </div>
      </div>
      {query.data && (
        <p className="row" data-testid="job-counts" style={{ margin: 0 }}>
          <span><strong>{query.data.counts.queued + query.data.counts.running}</strong> queued or running</span>
          <span className="muted">·</span>
          <span><strong>{query.data.counts.failed}</strong> failed</span>
          <span className="muted">·</span>
          <span><strong>{query.data.counts.succeeded}</strong> succeeded</span>
        </p>
      )}
      <div className="row" role="group" aria-label="Show jobs">
        {FILTERS.map((f) => (
          <button key={f.value} type="button" className={`btn btn-sm${status === f.value ? " btn-primary" : ""}`} aria-pressed={status === f.value} onClick={() => setStatus(f.value)}>
            {f.label}
          </button>
        ))}
      </div>
      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading jobs…</span></div>
      ) : query.isError ? (
        <Alert>Could not load jobs: {query.error.message}</Alert>
      ) : query.data.jobs.length === 0 ? (
        <EmptyState title="No jobs">Every upload starts one; they appear here.</EmptyState>
      ) : (
        <DataTable
          caption="The 100 most recent jobs"
          columns={JOB_COLUMNS}
          rows={query.data.jobs}
          rowKey={(job) => job.id}
          rowProps={(job) => ({ "data-testid": "job-row", "data-status": job.status, "data-filename": job.filename })}
        />
      )}
    </div>
  );
}
