"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import type { listCdnInvalidations } from "@/lib/cdn/list";
import { DataTable } from "@/components/ui/data-table";

type InvalidationList = Awaited<ReturnType<typeof listCdnInvalidations>>;
type Invalidation = InvalidationList["invalidations"][number];
type Status = Invalidation["status"];

const BADGES: Record<Status, string> = { pending: "badge-processing", in_progress: "badge-processing", completed: "badge-ready", failed: "badge-failed" };
const LABELS: Record<Status, string> = { pending: "Waiting", in_progress: "In progress", completed: "Completed", failed: "Failed" };
const FILTERS: { value: "" | Status; label: string }[] = [
  { value: "", label: "All" },
  { value: "in_progress", label: "In progress" },
  { value: "completed", label: "Completed" },
  { value: "failed", label: "Failed" },
];
const PROVIDERS: Record<InvalidationList["provider"], string> = { off: "No CDN configured", nginx: "nginx edge", cloudfront: "CloudFront" };

const usd = (n: number) => `$${n.toFixed(n > 0 && n < 0.1 ? 3 : 2)}`;

function Paths({ item }: { item: Invalidation }) {
  return (
    <>
      {item.paths.map((p) => (
        <div key={p} style={{ overflowWrap: "anywhere", marginBottom: "0.25rem" }}><code>{p}</code></div>
      ))}
      {item.pathCount > item.paths.length && <div className="muted">and {item.pathCount - item.paths.length} more</div>}
    </>
  );
}

/** Invalidations the drain workflow sent, with what this month cost so far. */
export function CdnAdmin() {
  const [status, setStatus] = useState<"" | Status>("");
  const [path, setPath] = useState("");
  const searched = /^\/media\/[\w\-/*]+$/.test(path.trim()) ? path.trim() : "";
  const query = useQuery({
    queryKey: ["cdn-invalidations", status, searched],
    queryFn: () =>
      apiFetch<InvalidationList>(`/api/v1/cdn/invalidations?limit=100${status ? `&status=${status}` : ""}${searched ? `&path=${encodeURIComponent(searched)}` : ""}`),
    refetchInterval: 5000,
  });
  const data = query.data;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>CDN</h1>
          <p className="muted" style={{ margin: 0 }}>
            Edge invalidations after a new version, a restore, a delete or a purge, batched (at most 1000 paths a request) by the drain workflow.
          </p>
        </div>
      </div>
      {data && (
        <p className="row" data-testid="cdn-month" style={{ margin: 0, flexWrap: "wrap" }}>
          <span><strong>{PROVIDERS[data.provider]}</strong></span>
          <span className="muted">·</span>
          <span>This month: <strong data-testid="cdn-month-paths">{data.month.paths}</strong> paths{data.month.freePaths !== null && <span className="muted"> ({data.month.freePaths} free)</span>}</span>
          <span className="muted">·</span>
          <span>Cost <strong data-testid="cdn-month-cost">{usd(data.month.costUsd)}</strong></span>
          <span className="muted">·</span>
          <span><strong>{data.queuedPaths}</strong> paths waiting</span>
          {data.edgeCache.hitRatio !== null && (
            <>
              <span className="muted">·</span>
              <span>Edge hit ratio <strong>{Math.round(data.edgeCache.hitRatio * 100)}%</strong></span>
            </>
          )}
        </p>
      )}
      <div className="row" style={{ flexWrap: "wrap", alignItems: "flex-end" }}>
        <div className="row" role="group" aria-label="Show invalidations" style={{ flexWrap: "wrap" }}>
          {FILTERS.map((f) => (
            <button key={f.value} type="button" className={`btn btn-sm${status === f.value ? " btn-primary" : ""}`} aria-pressed={status === f.value} onClick={() => setStatus(f.value)}>
              {f.label}
            </button>
          ))}
        </div>
        <div className="field" style={{ minWidth: "min(100%, 22rem)" }}>
          <label htmlFor="cdn-path">Edge path</label>
          <input id="cdn-path" className="input" type="search" value={path} placeholder="/media/<file id>/current" onChange={(e) => setPath(e.target.value)} aria-describedby="cdn-path-hint" />
          <span id="cdn-path-hint" className="field-hint">Only invalidations that covered this path.</span>
        </div>
      </div>
      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading invalidations…</span></div>
      ) : query.isError ? (
        <Alert>Could not load invalidations: {query.error.message}</Alert>
      ) : data!.invalidations.length === 0 ? (
        <EmptyState title="No invalidations">
          {data!.provider === "off" ? "Set CDN_PROVIDER to deliver files through a CDN." : "Replacing, restoring or deleting a file sends one; they appear here."}
        </EmptyState>
      ) : (
        <DataTable
          caption="The 100 most recent CDN invalidations"
          rows={data!.invalidations}
          rowKey={(item) => item.id}
          rowProps={(item) => ({ "data-testid": "cdn-invalidation-row", "data-status": item.status })}
          columns={[
            { header: "Created", width: "13%", cell: (item) => <span className="muted">{new Date(item.createdAt).toLocaleString()}</span> },
            {
              header: "Status", width: "12%", cell: (item) => (
                <>
                  <span className={`badge ${BADGES[item.status]}`}>{LABELS[item.status]}</span>
                  {item.lastError && <div className="field-hint" style={{ color: "var(--danger)" }}>{item.lastError}</div>}
                </>
              ),
            },
            { header: "Paths", width: "37%", primary: true, cell: (item) => <Paths item={item} /> },
            { header: "Count", width: "7%", align: "end", cell: (item) => item.pathCount },
            { header: "Cost", width: "8%", align: "end", cell: (item) => usd(item.costUsd) },
            { header: "Attempts", width: "8%", align: "end", cell: (item) => item.attempts },
            { header: "Id", width: "15%", cell: (item) => <code style={{ wordBreak: "break-all" }}>{item.providerId ?? "—"}</code> },
          ]}
        />
      )}
    </div>
  );
}
