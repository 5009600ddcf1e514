"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { apiFetch } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import type { toRun } from "@/lib/archive/runs";
import { formatBytes } from "@/lib/format";
import type { ReconcileCounts } from "@/lib/reconcile/report";
import { DataTable } from "@/components/ui/data-table";

type Run = Omit<ReturnType<typeof toRun>, "counts"> & { counts: Partial<ReconcileCounts> };

function Totals({ shown, total }: { shown: number; total: number }) {
  return shown < total ? <span className="muted"> (first {shown} of {total})</span> : null;
}

/** The last reconciliation's report (orphans, missing objects, size mismatches), Run now, and delete-orphans. */
export function ReconciliationAdmin() {
  const queryClient = useQueryClient();
  const runs = useQuery({
    queryKey: ["reconcile-runs"],
    queryFn: () => apiFetch<{ runs: Run[] }>("/api/v1/lifecycle/runs?kind=reconcile&limit=5"),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "queued" || r.status === "running") ? 2000 : 30_000),
  });
  const runNow = useMutation({
    mutationFn: () => apiFetch<{ runId: string }>("/api/v1/lifecycle/runs", { method: "POST", json: { kind: "reconcile" } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["reconcile-runs"] }),
  });
  const deleteOrphans = useMutation({
    mutationFn: (runId: string) => apiFetch<{ deleted: string[]; skipped: { key: string; reason: string }[] }>(`/api/v1/lifecycle/runs/${runId}/delete-orphans`, { method: "POST", json: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["reconcile-runs"] }),
  });
  const last = runs.data?.runs.find((r) => r.status === "succeeded");
  const current = runs.data?.runs[0];
  const c = last?.counts;
  const pendingOrphans = c?.orphanObjects?.filter((o) => !o.deletedAt) ?? [];
  const confirmDelete = () => {
    if (last && window.confirm(`Delete ${pendingOrphans.length} orphan object(s) from the bucket? Each is checked again first; this cannot be undone.`)) deleteOrphans.mutate(last.id);
  };

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Reconciliation</h1>
          <p className="muted" style={{ margin: 0 }}>
            The media bucket listed against the tables, weekly (Sundays 04:00 UTC) or on demand: objects no row names (older than the grace period;
            uploads in flight are safe), rows whose object is missing (their downloads answer 409 file_missing), and sizes that differ.
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => runNow.mutate()} disabled={runNow.isPending || current?.status === "running" || current?.status === "queued"} data-testid="reconcile-run-now">
          {runNow.isPending ? "Starting…" : current?.status === "running" || current?.status === "queued" ? "Running…" : "Run now"}
        </button>
      </div>
      {runNow.isError && <Alert>Could not start a run: {runNow.error.message}</Alert>}
      {current?.status === "failed" && <Alert>The latest run failed: {current.error}</Alert>}

      {runs.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading the last report…</span></div>
      ) : runs.isError ? (
        <Alert>Could not load reconciliation runs: {runs.error.message}</Alert>
      ) : !last || !c ? (
        <EmptyState title="No report yet">The first runs on Sunday at 04:00 UTC, or press Run now.</EmptyState>
      ) : (
        <>
          <section className="card stack" aria-labelledby="summary-h" data-testid="reconcile-summary">
            <h2 id="summary-h" style={{ margin: 0 }}>Last report</h2>
            <p className="muted" style={{ margin: 0 }}>
              Finished {last.finishedAt ? new Date(last.finishedAt).toLocaleString() : "—"} ({last.trigger === "schedule" ? "schedule" : "run now"}) ·{" "}
              {c.listedObjects ?? 0} objects ({formatBytes(c.listedBytes ?? 0)}) listed · grace {c.graceHours} h
            </p>
            <div className="row">
              <span className={`badge ${c.orphanCount ? "badge-processing" : "badge-ready"}`}>{c.orphanCount ?? 0} orphan{c.orphanCount === 1 ? "" : "s"} ({formatBytes(c.orphanBytes ?? 0)})</span>
              <span className={`badge ${c.missingCount ? "badge-failed" : "badge-ready"}`}>{c.missingCount ?? 0} missing ({c.missingNew ?? 0} new)</span>
              <span className={`badge ${c.sizeMismatchCount ? "badge-processing" : "badge-ready"}`}>{c.sizeMismatchCount ?? 0} size mismatch{c.sizeMismatchCount === 1 ? "" : "es"}</span>
              <span className="muted">safe: {c.safe?.recent ?? 0} recent, {c.safe?.uploadInFlight ?? 0} uploading, {c.safe?.queuedForDeletion ?? 0} queued for deletion</span>
            </div>
          </section>

          <section className="stack" aria-labelledby="orphans-h">
            <div className="row" style={{ justifyContent: "space-between" }}>
              <h2 id="orphans-h" style={{ margin: 0 }}>Orphan objects<Totals shown={c.orphanObjects?.length ?? 0} total={c.orphanCount ?? 0} /></h2>
              {pendingOrphans.length > 0 && (
                <button type="button" className="btn btn-danger" onClick={confirmDelete} disabled={deleteOrphans.isPending} data-testid="delete-orphans">
                  {deleteOrphans.isPending ? "Deleting…" : `Delete ${pendingOrphans.length} orphan${pendingOrphans.length === 1 ? "" : "s"}`}
                </button>
              )}
            </div>
            {deleteOrphans.isError && <Alert>Could not delete orphans: {deleteOrphans.error.message}</Alert>}
            {deleteOrphans.data && <Alert kind="success">Deleted {deleteOrphans.data.deleted.length}; skipped {deleteOrphans.data.skipped.length}.</Alert>}
            {!c.orphanObjects?.length ? (
              <EmptyState title="No orphans">Every object older than the grace period has a row.</EmptyState>
            ) : (
              <DataTable
                caption="Objects in the bucket that no row names"
                rows={c.orphanObjects}
                rowKey={(o) => o.key}
                rowProps={() => ({ "data-testid": "orphan-row" })}
                columns={[
                  { header: "Key", width: "52%", primary: true, cell: (o) => <code style={{ wordBreak: "break-all" }}>{o.key}</code> },
                  { header: "Size", width: "12%", align: "end", cell: (o) => formatBytes(o.size) },
                  { header: "Last modified", width: "22%", cell: (o) => <span className="muted">{o.lastModified ? new Date(o.lastModified).toLocaleString() : "—"}</span> },
                  { header: "State", width: "14%", cell: (o) => (o.deletedAt ? <span className="badge">deleted</span> : <span className="badge badge-processing">orphan</span>) },
                ]}
              />
            )}
          </section>

          <section className="stack" aria-labelledby="missing-h">
            <h2 id="missing-h" style={{ margin: 0 }}>Missing objects<Totals shown={c.missingObjects?.length ?? 0} total={c.missingCount ?? 0} /></h2>
            {!c.missingObjects?.length ? (
              <EmptyState title="Nothing missing">Every row&apos;s object is in the bucket.</EmptyState>
            ) : (
              <DataTable
                caption="Rows whose object is not in the bucket"
                rows={c.missingObjects}
                rowKey={(m) => `${m.kind}-${m.key}`}
                rowProps={() => ({ "data-testid": "missing-row" })}
                columns={[
                  { header: "Key", width: "46%", primary: true, cell: (m) => <code style={{ wordBreak: "break-all" }}>{m.key}</code> },
                  { header: "Kind", width: "10%", cell: (m) => m.kind },
                  { header: "File", width: "14%", cell: (m) => (m.fileId ? <Link href={`/files/${m.fileId}`}>Open file</Link> : <span className="muted">—</span>) },
                  { header: "Expected size", width: "14%", align: "end", cell: (m) => formatBytes(m.expectedSize) },
                  { header: "Reported", width: "16%", cell: (m) => (m.new ? <span className="badge badge-failed">new</span> : <span className="badge">earlier run</span>) },
                ]}
              />
            )}
          </section>

          <section className="stack" aria-labelledby="sizes-h">
            <h2 id="sizes-h" style={{ margin: 0 }}>Size mismatches<Totals shown={c.sizeMismatches?.length ?? 0} total={c.sizeMismatchCount ?? 0} /></h2>
            {!c.sizeMismatches?.length ? (
              <EmptyState title="No size mismatches">Every object has the size its row records.</EmptyState>
            ) : (
              <DataTable
                caption="Objects whose size differs from their row"
                rows={c.sizeMismatches}
                rowKey={(m) => `${m.kind}-${m.key}-${m.expectedSize}`}
                columns={[
                  { header: "Key", width: "52%", primary: true, cell: (m) => <code style={{ wordBreak: "break-all" }}>{m.key}</code> },
                  { header: "Kind", width: "12%", cell: (m) => m.kind },
                  { header: "Row says", width: "18%", align: "end", cell: (m) => formatBytes(m.expectedSize) },
                  { header: "Bucket has", width: "18%", align: "end", cell: (m) => formatBytes(m.actualSize) },
                ]}
              />
            )}
          </section>
        </>
      )}
      {current && current.status !== "succeeded" && current.status !== "failed" && (
        <p className="row muted"><Spinner /> A run is {current.status}…</p>
      )}
    </div>
  );
}
