"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { apiFetch } from "@/components/ui/api";
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
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">The 100 most recent jobs</caption>
            <thead><tr><th>File</th><th>Kind</th><th>Status</th><th>Attempts</th><th>Duration</th><th>Last error</th><th>Queued</th><th /></tr></thead>
            <tbody>
              {query.data.jobs.map((job) => (
                <tr key={job.id} data-testid="job-row" data-status={job.status} data-filename={job.filename}>
                  <td><Link href={`/files/${job.fileId}`}>{job.filename}</Link>{job.statusReason && <div className="field-hint">{job.statusReason}</div>}</td>
                  <td><code>{job.kind}</code>{job.step && <div className="muted">{job.step}</div>}</td>
                  <td><span className={`badge ${BADGES[job.status]}`}>{LABELS[job.status]}</span></td>
                  <td>{job.attempts}{job.resends > 0 && <span className="muted" title="Times re-sent by the sweep or an admin"> · {job.resends} re-sent</span>}</td>
                  <td>{duration(job.durationMs)}</td>
                  <td>{job.lastError ? <span className="field-hint" style={{ color: "var(--danger)" }}>{job.lastError}</span> : "—"}</td>
                  <td className="muted">{new Date(job.queuedAt).toLocaleString()}</td>
                  <td>{job.status !== "running" && <RetryButton job={job} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
