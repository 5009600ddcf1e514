"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/ui/api";
import { Alert, Spinner } from "@/components/ui/feedback";
import type { PublicAlert } from "@/lib/alerts/serialize";

type AlertList = { alerts: PublicAlert[]; counts: { open: number; acknowledged: number } };

const SEVERITY_BADGE: Record<PublicAlert["severity"], string> = { critical: "badge-failed", warning: "badge-warning", info: "badge-processing" };

function AcknowledgeButton({ alert }: { alert: PublicAlert }) {
  const queryClient = useQueryClient();
  const ack = useMutation({
    mutationFn: () => apiFetch<PublicAlert>(`/api/v1/alerts/${alert.id}/acknowledge`, { method: "POST" }),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: ["alerts"] }), queryClient.invalidateQueries({ queryKey: ["overview"] })]),
  });
  return (
    <>
      <button type="button" className="btn btn-sm" disabled={ack.isPending} onClick={() => ack.mutate()} aria-label={`Acknowledge: ${alert.title}`}>
        {ack.isPending ? "Acknowledging…" : "Acknowledge"}
      </button>
      {ack.isError && <div className="field-hint" role="alert" style={{ color: "var(--danger)" }}>{ack.error.message}</div>}
    </>
  );
}

/** What still needs someone: open alerts first, then acknowledged ones until their condition clears. */
export function AlertsPanel() {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: ["alerts"], queryFn: () => apiFetch<AlertList>("/api/v1/alerts?status=active&limit=20"), refetchInterval: 15_000 });
  const evaluate = useMutation({
    mutationFn: () => apiFetch<unknown>("/api/v1/alerts/evaluate", { method: "POST" }),
    // The rules run in the workflow a moment later.
    onSuccess: () => setTimeout(() => void queryClient.invalidateQueries({ queryKey: ["alerts"] }), 2000),
  });
  const alerts = [...(query.data?.alerts ?? [])].sort((a, b) => Number(a.status !== "open") - Number(b.status !== "open"));
  return (
    <section className="card stack alerts-panel" aria-labelledby="alerts-h" data-testid="alerts-panel">
      <div className="row">
        <h2 id="alerts-h" style={{ margin: 0 }}>Alerts</h2>
        <span className="spacer" />
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => evaluate.mutate()} disabled={evaluate.isPending}>
          {evaluate.isPending ? "Checking…" : "Check now"}
        </button>
      </div>
      {evaluate.isError && <Alert>Could not start the check: {evaluate.error.message}</Alert>}
      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading alerts…</span></div>
      ) : query.isError ? (
        <Alert>Could not load alerts: {query.error.message}</Alert>
      ) : alerts.length === 0 ? (
        <p className="muted" style={{ margin: 0 }} data-testid="no-alerts">No open alerts. Rules run every minute.</p>
      ) : (
        <ul className="alert-list">
          {alerts.map((a) => (
            <li key={a.id} className="alert-item" data-testid="alert-item" data-rule={a.rule} data-status={a.status}>
              <div className="alert-item-body">
                <div className="row" style={{ gap: 6 }}>
                  <span className={`badge ${SEVERITY_BADGE[a.severity]}`}>{a.severity}</span>
                  {a.status === "acknowledged" && <span className="badge">acknowledged</span>}
                  <code className="muted">{a.rule}</code>
                </div>
                <strong className="alert-title">{a.title}</strong>
                <span className="field-hint">Opened {new Date(a.openedAt).toLocaleString()} · last seen {new Date(a.lastSeenAt).toLocaleTimeString()}</span>
              </div>
              {a.status === "open" && <AcknowledgeButton alert={a} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
