"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import type { toRun } from "@/lib/archive/runs";
import type { toLegalHold } from "@/lib/retention/holds";
import type { listRetentionRules } from "@/lib/retention/rules";
import { formatBytes } from "@/lib/format";
import { DataTable } from "@/components/ui/data-table";
import { LifecycleSimulator } from "./lifecycle-simulator";

type Rule = Awaited<ReturnType<typeof listRetentionRules>>["rules"][number];
type Draft = Omit<Rule, "updatedAt">;
type Hold = ReturnType<typeof toLegalHold>;
type Run = ReturnType<typeof toRun>;
const RUN_BADGES: Record<string, string> = { queued: "badge-processing", running: "badge-processing", succeeded: "badge-ready", failed: "badge-failed" };
const SCOPE_LABEL = { camera: "Camera", site: "Site", category: "Category" } as const;
type Fate = "delete" | "GLACIER" | "DEEP_ARCHIVE";

function RuleEditor({ index, draft, onChange, onRemove }: { index: number; draft: Draft; onChange: (d: Draft) => void; onRemove: () => void }) {
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => onChange({ ...draft, [k]: v });
  const fate: Fate = draft.action === "delete" ? "delete" : (draft.destination ?? "GLACIER");
  return (
    <li className="card stack" data-testid="retention-rule" data-rule-id={draft.id} style={{ opacity: draft.enabled ? 1 : 0.7 }}>
      <div className="row">
        <label className="row" style={{ gap: 6 }}>
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set("enabled", e.target.checked)} />
          <span>Enabled</span>
        </label>
        <input className="input" value={draft.name} onChange={(e) => set("name", e.target.value)} aria-label={`Name of rule ${index + 1}`} style={{ flex: "1 1 12rem", minWidth: 0 }} />
        <code className="muted">{draft.id}</code>
        <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove} aria-label={`Remove rule ${draft.name}`}>Remove</button>
      </div>
      <div className="row" style={{ alignItems: "flex-end" }}>
        <label className="field" style={{ margin: 0 }}>
          <span>Applies to</span>
          <select className="input" value={draft.scope} onChange={(e) => set("scope", e.target.value as Draft["scope"])}>
            <option value="camera">Camera</option>
            <option value="site">Site</option>
            <option value="category">Category</option>
          </select>
        </label>
        <label className="field" style={{ margin: 0, flex: "1 1 9rem" }}>
          <span>{SCOPE_LABEL[draft.scope]}</span>
          <input className="input" value={draft.scopeValue} onChange={(e) => set("scopeValue", e.target.value)} placeholder={draft.scope === "category" ? "entrance" : `${draft.scope}-id`} />
        </label>
        <label className="field" style={{ margin: 0 }}>
          <span>Keep</span>
          <span className="row" style={{ gap: 4, flexWrap: "nowrap" }}>
            <input className="input" type="number" min={1} inputMode="numeric" value={draft.keepDays} style={{ width: "6rem" }}
              onChange={(e) => set("keepDays", Math.max(1, Math.round(Number(e.target.value) || 1)))} aria-label="Keep (days)" />
            <span className="muted">days</span>
          </span>
        </label>
        <label className="field" style={{ margin: 0 }}>
          <span>Then</span>
          <select className="input" value={fate} onChange={(e) => {
            const v = e.target.value as Fate;
            onChange({ ...draft, action: v === "delete" ? "delete" : "archive", destination: v === "delete" ? null : v });
          }}>
            <option value="delete">Move to the trash</option>
            <option value="GLACIER">Archive to Glacier</option>
            <option value="DEEP_ARCHIVE">Archive to Deep Archive</option>
          </select>
        </label>
      </div>
    </li>
  );
}

function RunCounts({ run }: { run: Run }) {
  const c = run.counts as { trashed?: number; trashedBytes?: number; archived?: number; skippedHeld?: number; kept?: number; failed?: number };
  if (c.trashed === undefined) return <span className="muted">—</span>;
  return (
    <span>
      <strong>{c.trashed}</strong> trashed{!!c.trashed && ` (${formatBytes(c.trashedBytes ?? 0)})`} · <strong>{c.archived ?? 0}</strong> archived
      {!!c.skippedHeld && <span className="muted"> · {c.skippedHeld} held</span>}
      {!!c.failed && <span style={{ color: "var(--danger)" }}> · {c.failed} failed</span>}
    </span>
  );
}

function holdTarget(h: Hold): string {
  const s = h.scope as { fileId?: string; cameraId?: string; eventId?: string };
  return s.fileId ? `File ${s.fileId}` : s.cameraId ? `Camera ${s.cameraId}` : `Event ${s.eventId}`;
}

function LegalHolds() {
  const queryClient = useQueryClient();
  const holds = useQuery({ queryKey: ["legal-holds"], queryFn: () => apiFetch<{ holds: Hold[] }>("/api/v1/legal-holds") });
  const [kind, setKind] = useState<"fileId" | "cameraId" | "eventId">("cameraId");
  const [target, setTarget] = useState("");
  const [reason, setReason] = useState("");
  const [lifting, setLifting] = useState<string | null>(null);
  const place = useMutation({
    mutationFn: () => apiFetch<Hold>("/api/v1/legal-holds", { method: "POST", json: { scope: { [kind]: target.trim() }, reason } }),
    onSuccess: () => { setTarget(""); setReason(""); return queryClient.invalidateQueries({ queryKey: ["legal-holds"] }); },
  });
  const lift = useMutation({
    mutationFn: (id: string) => apiFetch<Hold>(`/api/v1/legal-holds/${id}`, { method: "DELETE" }),
    onSuccess: () => { setLifting(null); return queryClient.invalidateQueries({ queryKey: ["legal-holds"] }); },
  });
  return (
    <section className="stack" aria-labelledby="holds-h">
      <h2 id="holds-h">Legal holds</h2>
      <p className="muted" style={{ margin: 0 }}>A held file (directly, or through its camera or counting event) cannot be deleted, purged or archived by anyone until the hold is lifted.</p>
      <form className="card row" style={{ alignItems: "flex-end" }} onSubmit={(e) => { e.preventDefault(); place.mutate(); }}>
        <label className="field" style={{ margin: 0 }}>
          <span>Hold</span>
          <select className="input" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} aria-label="What to hold">
            <option value="cameraId">A camera</option>
            <option value="eventId">A counting event</option>
            <option value="fileId">A file (id)</option>
          </select>
        </label>
        <label className="field" style={{ margin: 0, flex: "1 1 10rem" }}>
          <span>{kind === "cameraId" ? "Camera id" : kind === "eventId" ? "Event id" : "File id"}</span>
          <input className="input" value={target} onChange={(e) => setTarget(e.target.value)} required />
        </label>
        <label className="field" style={{ margin: 0, flex: "2 1 14rem" }}>
          <span>Reason</span>
          <input className="input" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1000} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={place.isPending}>{place.isPending ? "Placing…" : "Place hold"}</button>
      </form>
      {place.isError && <Alert>Hold not placed: {place.error.message}</Alert>}
      {lift.isError && <Alert>Hold not lifted: {lift.error.message}</Alert>}
      {holds.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading holds…</span></div>
      ) : holds.isError ? (
        <Alert>Could not load the holds: {holds.error.message}</Alert>
      ) : holds.data.holds.length === 0 ? (
        <EmptyState title="No active holds">Every file follows the retention rules.</EmptyState>
      ) : (
        <DataTable
          caption="Active legal holds"
          rows={holds.data.holds}
          rowKey={(h) => h.id}
          rowProps={() => ({ "data-testid": "hold-row" })}
          columns={[
            { header: "On", width: "30%", primary: true, cell: (h) => <><span className="badge badge-hold">Hold</span> {holdTarget(h)}</> },
            { header: "Reason", width: "26%", cell: (h) => h.reason },
            { header: "Files", width: "8%", align: "end", cell: (h) => h.files ?? "—" },
            { header: "Since", width: "18%", cell: (h) => <span className="muted">{new Date(h.createdAt).toLocaleString()}</span> },
            {
              header: "Actions", hideHeader: true, width: "18%", cell: (h) => (lifting === h.id ? (
                <span className="row" role="group" aria-label="Confirm lifting the hold">
                  <button type="button" className="btn btn-sm btn-danger" onClick={() => lift.mutate(h.id)} disabled={lift.isPending} autoFocus>Lift</button>
                  <button type="button" className="btn btn-sm" onClick={() => setLifting(null)}>Cancel</button>
                </span>
              ) : (
                <button type="button" className="btn btn-sm" onClick={() => setLifting(h.id)}>Lift hold</button>
              )),
            },
          ]}
        />
      )}
    </section>
  );
}

/** Retention rules (edit, add, remove), legal holds (place, lift) and the runs that apply the rules. */
export function RetentionAdmin() {
  const queryClient = useQueryClient();
  const rules = useQuery({ queryKey: ["retention-rules"], queryFn: () => apiFetch<{ rules: Rule[] }>("/api/v1/lifecycle/retention") });
  const runs = useQuery({
    queryKey: ["retention-runs"],
    queryFn: () => apiFetch<{ runs: Run[] }>("/api/v1/lifecycle/runs?kind=retention&limit=10"),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "queued" || r.status === "running") ? 2000 : 15_000),
  });
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  useEffect(() => {
    if (rules.data && drafts === null) setDrafts(rules.data.rules.map(({ updatedAt: _, ...r }) => r));
  }, [rules.data, drafts]);
  const save = useMutation({
    mutationFn: (list: Draft[]) => apiFetch<{ rules: Rule[] }>("/api/v1/lifecycle/retention", { method: "PUT", json: { rules: list } }),
    onSuccess: (data) => {
      queryClient.setQueryData(["retention-rules"], data);
      setDrafts(data.rules.map(({ updatedAt: _, ...r }) => r));
    },
  });
  const runNow = useMutation({
    mutationFn: () => apiFetch<{ runId: string }>("/api/v1/lifecycle/runs", { method: "POST", json: { kind: "retention" } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["retention-runs"] }),
  });
  const update = (i: number, d: Draft) => setDrafts((all) => all!.map((x, j) => (j === i ? d : x)));
  const addRule = () =>
    setDrafts((all) => [...all!, { id: `keep-${Date.now().toString(36)}`, name: "New rule", enabled: false, scope: "camera", scopeValue: "", keepDays: 30, action: "delete", destination: null }]);

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Retention</h1>
          <p className="muted" style={{ margin: 0 }}>
            Keep each camera&apos;s, site&apos;s or category&apos;s files N days after upload, then trash or archive them (daily at 03:15 UTC).
            The most specific rule decides: camera over site over category; among equals the longest keep. A legal hold beats every rule.
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => runNow.mutate()} disabled={runNow.isPending} data-testid="run-now">
          {runNow.isPending ? "Starting…" : "Run now"}
        </button>
      </div>
      {runNow.isError && <Alert>Could not start a run: {runNow.error.message}</Alert>}

      <section className="stack" aria-labelledby="rules-h">
        <h2 id="rules-h">Rules</h2>
        {rules.isPending || (rules.data && drafts === null) ? (
          <div className="row"><Spinner /> <span className="muted">Loading rules…</span></div>
        ) : rules.isError ? (
          <Alert>Could not load the rules: {rules.error.message}</Alert>
        ) : (
          <form className="stack" onSubmit={(e) => { e.preventDefault(); save.mutate(drafts!); }}>
            {drafts!.length === 0 ? (
              <EmptyState title="No rules">Files are kept until someone deletes them.</EmptyState>
            ) : (
              <ol className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Retention rules">
                {drafts!.map((d, i) => (
                  <RuleEditor key={d.id} index={i} draft={d} onChange={(n) => update(i, n)} onRemove={() => setDrafts((all) => all!.filter((_, j) => j !== i))} />
                ))}
              </ol>
            )}
            <div className="row">
              <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="save-rules">{save.isPending ? "Saving…" : "Save rules"}</button>
              <button type="button" className="btn" onClick={addRule}>Add rule</button>
            </div>
            {save.isError && <Alert>Not saved: {save.error.message}</Alert>}
            {save.isSuccess && <Alert kind="success">Saved {save.data.rules.length} {save.data.rules.length === 1 ? "rule" : "rules"}.</Alert>}
          </form>
        )}
      </section>

      <LifecycleSimulator draft={drafts && { retention: drafts }} draftLabel="Rules as edited above" />

      <LegalHolds />

      <section className="stack" aria-labelledby="runs-h">
        <h2 id="runs-h">Recent runs</h2>
        {runs.isPending ? (
          <div className="row"><Spinner /> <span className="muted">Loading runs…</span></div>
        ) : runs.isError ? (
          <Alert>Could not load runs: {runs.error.message}</Alert>
        ) : runs.data.runs.length === 0 ? (
          <EmptyState title="No runs yet">The first runs at 03:15 UTC, or press Run now.</EmptyState>
        ) : (
          <DataTable
            caption="The ten most recent retention runs"
            rows={runs.data.runs}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ "data-testid": "run-row", "data-status": r.status })}
            columns={[
              { header: "Started", width: "18%", primary: true, cell: (r) => new Date(r.startedAt ?? r.createdAt).toLocaleString() },
              { header: "By", width: "10%", cell: (r) => <span className="muted">{r.trigger === "schedule" ? "schedule" : "run now"}</span> },
              { header: "Status", width: "12%", cell: (r) => <span className={`badge ${RUN_BADGES[r.status]}`}>{r.status}</span> },
              { header: "Result", width: "42%", cell: (r) => <><RunCounts run={r} />{r.error && <div className="field-hint" style={{ color: "var(--danger)" }}>{r.error}</div>}</> },
              { header: "Finished", width: "18%", cell: (r) => <span className="muted">{r.finishedAt ? new Date(r.finishedAt).toLocaleString() : "—"}</span> },
            ]}
          />
        )}
      </section>
    </div>
  );
}
