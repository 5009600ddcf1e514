"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import { formatBytes } from "@/lib/format";
import type { toRetrieval } from "@/lib/archive/retrievals";
import { formatCost, RetrievalStatus } from "./retrieval-status";

type Retrieval = ReturnType<typeof toRetrieval>;
const FILTERS = [
  { value: "", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "ready", label: "Ready" },
  { value: "expired", label: "Expired" },
] as const;
const CLASS_LABELS: Record<string, string> = { GLACIER: "Glacier", DEEP_ARCHIVE: "Deep Archive" };

function when(r: Retrieval): string {
  if (r.status === "pending") return `ready about ${new Date(r.estimatedReadyAt).toLocaleString()}`;
  if (r.status === "ready") return `downloadable until ${r.expiresAt ? new Date(r.expiresAt).toLocaleString() : "—"}`;
  if (r.status === "expired") return `archived again after ${r.expiresAt ? new Date(r.expiresAt).toLocaleString() : "its window"}`;
  return r.error ?? "failed";
}

/** Retrievals of archived files, with live status while any is pending or ready. */
export function RetrievalsList() {
  const [status, setStatus] = useState<(typeof FILTERS)[number]["value"]>("");
  const query = useQuery({
    queryKey: ["retrievals", "list", status],
    queryFn: () => apiFetch<{ retrievals: Retrieval[] }>(`/api/v1/retrievals?limit=100${status ? `&status=${status}` : ""}`),
    refetchInterval: (q) => (q.state.data?.retrievals.some((r) => r.status === "pending" || r.status === "ready") ? 2000 : 15_000),
  });
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Retrievals</h1>
          <p className="muted" style={{ margin: 0 }}>Archived files brought back for a while. Ask for one from an archived file&apos;s page.</p>
        </div>
      </div>
      <div className="row" role="group" aria-label="Show retrievals">
        {FILTERS.map((f) => (
          <button key={f.value} type="button" className={`btn btn-sm${status === f.value ? " btn-primary" : ""}`} aria-pressed={status === f.value} onClick={() => setStatus(f.value)}>
            {f.label}
          </button>
        ))}
      </div>
      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading retrievals…</span></div>
      ) : query.isError ? (
        <Alert>Could not load retrievals: {query.error.message}</Alert>
      ) : query.data.retrievals.length === 0 ? (
        <EmptyState title="No retrievals">Files the archive run moved to Glacier or Deep Archive can be retrieved from their page.</EmptyState>
      ) : (
        // Cards rather than a table: every fact and the download stay in view on a phone too.
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Retrievals, newest first">
          {query.data.retrievals.map((r) => (
            <li key={r.retrievalId} className="card" data-testid="retrieval-row" data-status={r.status}>
              <div className="row" style={{ justifyContent: "space-between" }}>
                <span className="row" style={{ minWidth: 0 }}>
                  <Link href={`/files/${r.fileId}`} style={{ wordBreak: "break-all" }}>{r.filename ?? r.fileId}</Link>
                  <RetrievalStatus status={r.status} />
                </span>
                {r.status === "ready" && <a className="btn btn-sm btn-primary" href={`/api/v1/files/${r.fileId}/download`} download>Download</a>}
              </div>
              <p style={{ margin: "0.35rem 0 0" }}>
                From {CLASS_LABELS[r.storageClass] ?? r.storageClass} · {r.tier} · {r.days} {r.days === 1 ? "day" : "days"} · {formatBytes(r.bytes)} · estimated {formatCost(r.estimatedCost)}
              </p>
              <p className="muted" style={{ margin: "0.2rem 0 0" }}>Requested {new Date(r.createdAt).toLocaleString()}; {when(r)}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
