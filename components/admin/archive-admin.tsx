"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import { DEFAULT_ARCHIVE_POLICIES } from "@/lib/archive/defaults";
import type { listArchivePolicies } from "@/lib/archive/policies";
import type { toRun } from "@/lib/archive/runs";
import { formatBytes } from "@/lib/format";
import { DataTable } from "@/components/ui/data-table";
import { LifecycleSimulator } from "./lifecycle-simulator";

type Policy = Awaited<ReturnType<typeof listArchivePolicies>>["policies"][number];
type Draft = Omit<Policy, "updatedAt">;
type Run = ReturnType<typeof toRun>;
const MiB = 1024 * 1024;
const RUN_BADGES: Record<string, string> = { queued: "badge-processing", running: "badge-processing", succeeded: "badge-ready", failed: "badge-failed" };

/** A number input that may be left empty (no such condition). */
function OptionalNumber({ label, value, onChange, unit }: { label: string; value: number | null; onChange: (v: number | null) => void; unit: string }) {
  return (
    <label className="field" style={{ margin: 0 }}>
      <span>{label}</span>
      <span className="row" style={{ gap: 4, flexWrap: "nowrap" }}>
        <input className="input" type="number" min={1} inputMode="numeric" value={value ?? ""} placeholder="—" style={{ width: "6.5rem" }}
          onChange={(e) => onChange(e.target.value === "" ? null : Math.max(1, Math.round(Number(e.target.value))))} aria-label={`${label} (${unit}; empty: no condition)`} />
        <span className="muted">{unit}</span>
      </span>
    </label>
  );
}

function PolicyEditor({ index, draft, onChange, onRemove }: { index: number; draft: Draft; onChange: (d: Draft) => void; onRemove: () => void }) {
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => onChange({ ...draft, [k]: v });
  return (
    <li className="card stack" data-testid="policy" data-policy-id={draft.id} style={{ opacity: draft.enabled ? 1 : 0.7 }}>
      <div className="row">
        <label className="row" style={{ gap: 6 }}>
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set("enabled", e.target.checked)} data-testid="policy-enabled" />
          <span>Enabled</span>
        </label>
        <input className="input" value={draft.name} onChange={(e) => set("name", e.target.value)} aria-label={`Name of rule ${index + 1}`} style={{ flex: "1 1 12rem", minWidth: 0 }} />
        <code className="muted">{draft.id}</code>
        <button type="button" className="btn btn-sm btn-ghost" onClick={onRemove} aria-label={`Remove rule ${draft.name}`}>Remove</button>
      </div>
      <div className="row" style={{ alignItems: "flex-end" }}>
        <OptionalNumber label="Older than" unit="days" value={draft.minAgeDays} onChange={(v) => set("minAgeDays", v)} />
        <OptionalNumber label="Unread for" unit="days" value={draft.minUnreadDays} onChange={(v) => set("minUnreadDays", v)} />
        <OptionalNumber label="At least" unit="MiB" value={draft.minSizeBytes === null ? null : Math.round(draft.minSizeBytes / MiB)} onChange={(v) => set("minSizeBytes", v === null ? null : v * MiB)} />
        <label className="field" style={{ margin: 0 }}>
          <span>Move to</span>
          <select className="input" value={draft.destination} onChange={(e) => set("destination", e.target.value as Draft["destination"])} data-testid="policy-destination">
            <option value="GLACIER">Glacier</option>
            <option value="DEEP_ARCHIVE">Deep Archive</option>
          </select>
        </label>
      </div>
    </li>
  );
}

function RunCounts({ run }: { run: Run }) {
  const c = run.counts as { moved?: number; movedBytes?: number; byClass?: Record<string, number>; skippedShared?: number; failed?: number };
  if (c.moved === undefined) return <span className="muted">—</span>;
  const classes = Object.entries(c.byClass ?? {}).map(([k, n]) => `${n} to ${k === "DEEP_ARCHIVE" ? "Deep Archive" : "Glacier"}`).join(", ");
  return (
    <span>
      <strong>{c.moved}</strong> moved{c.moved > 0 && ` (${formatBytes(c.movedBytes ?? 0)}${classes ? `; ${classes}` : ""})`}
      {!!c.skippedShared && <span className="muted"> · {c.skippedShared} shared, left hot</span>}
      {!!c.failed && <span style={{ color: "var(--danger)" }}> · {c.failed} failed</span>}
    </span>
  );
}

/** Archive rules (edit, enable, disable, add, reset) and the runs that apply them ("Run now"). */
export function ArchiveAdmin() {
  const queryClient = useQueryClient();
  const policies = useQuery({ queryKey: ["archive-policies"], queryFn: () => apiFetch<{ policies: Policy[] }>("/api/v1/lifecycle/policies") });
  const runs = useQuery({
    queryKey: ["lifecycle-runs"],
    queryFn: () => apiFetch<{ runs: Run[] }>("/api/v1/lifecycle/runs?kind=archive&limit=10"),
    refetchInterval: (q) => (q.state.data?.runs.some((r) => r.status === "queued" || r.status === "running") ? 2000 : 15_000),
  });
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  useEffect(() => {
    if (policies.data && drafts === null) setDrafts(policies.data.policies.map(({ updatedAt: _, ...p }) => p));
  }, [policies.data, drafts]);
  const save = useMutation({
    mutationFn: (list: Draft[]) => apiFetch<{ policies: Policy[] }>("/api/v1/lifecycle/policies", { method: "PUT", json: { policies: list } }),
    onSuccess: (data) => {
      queryClient.setQueryData(["archive-policies"], data);
      setDrafts(data.policies.map(({ updatedAt: _, ...p }) => p));
    },
  });
  const runNow = useMutation({
    mutationFn: () => apiFetch<{ runId: string }>("/api/v1/lifecycle/runs", { method: "POST", json: { kind: "archive" } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["lifecycle-runs"] }),
  });
  const update = (i: number, d: Draft) => setDrafts((all) => all!.map((x, j) => (j === i ? d : x)));
  const addRule = () =>
    setDrafts((all) => [...all!, { id: `rule-${Date.now().toString(36)}`, name: "New rule", enabled: false, minAgeDays: 180, minUnreadDays: null, minSizeBytes: null, destination: "GLACIER" }]);

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Archive</h1>
          <p className="muted" style={{ margin: 0 }}>
            Rules the daily run (03:00 UTC) applies: a file matching several goes to the coldest destination, then to the rule listed first.
            Files under legal hold, being retrieved, or sharing their content with another file stay where they are.
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => runNow.mutate()} disabled={runNow.isPending} data-testid="run-now">
          {runNow.isPending ? "Starting…" : "Run now"}
        </button>
      </div>
      {runNow.isError && <Alert>Could not start a run: {runNow.error.message}</Alert>}

      <section className="stack" aria-labelledby="rules-h">
        <h2 id="rules-h">Rules</h2>
        {policies.isPending || (policies.data && drafts === null) ? (
          <div className="row"><Spinner /> <span className="muted">Loading rules…</span></div>
        ) : policies.isError ? (
          <Alert>Could not load the rules: {policies.error.message}</Alert>
        ) : (
          <form className="stack" onSubmit={(e) => { e.preventDefault(); save.mutate(drafts!); }}>
            {drafts!.length === 0 ? (
              <EmptyState title="No rules">Nothing is archived until a rule is added.</EmptyState>
            ) : (
              <ol className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Archive rules">
                {drafts!.map((d, i) => (
                  <PolicyEditor key={d.id} index={i} draft={d} onChange={(n) => update(i, n)} onRemove={() => setDrafts((all) => all!.filter((_, j) => j !== i))} />
                ))}
              </ol>
            )}
            <div className="row">
              <button type="submit" className="btn btn-primary" disabled={save.isPending} data-testid="save-policies">{save.isPending ? "Saving…" : "Save rules"}</button>
              <button type="button" className="btn" onClick={addRule}>Add rule</button>
              <button type="button" className="btn btn-ghost" onClick={() => setDrafts(DEFAULT_ARCHIVE_POLICIES.map((p) => ({ ...p })))}>Reset to the spec&apos;s rules</button>
            </div>
            {save.isError && <Alert>Not saved: {save.error.message}</Alert>}
            {save.isSuccess && <Alert kind="success">Saved {save.data.policies.length} rules.</Alert>}
          </form>
        )}
      </section>

      <LifecycleSimulator draft={drafts && { policies: drafts }} draftLabel="Rules as edited above" />

      <section className="stack" aria-labelledby="runs-h">
        <h2 id="runs-h">Recent runs</h2>
        {runs.isPending ? (
          <div className="row"><Spinner /> <span className="muted">Loading runs…</span></div>
        ) : runs.isError ? (
          <Alert>Could not load runs: {runs.error.message}</Alert>
        ) : runs.data.runs.length === 0 ? (
          <EmptyState title="No runs yet">The first runs at 03:00 UTC, or press Run now.</EmptyState>
        ) : (
          <DataTable
            caption="The ten most recent archive runs"
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
