"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "@/components/admin/dashboard/charts";
import { apiFetch } from "@/components/ui/api";
import { DataTable } from "@/components/ui/data-table";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import { CLASS_LABEL } from "@/lib/archive/classes";
import { formatBytes } from "@/lib/format";
import type { simulateLifecycle } from "@/lib/lifecycle/simulate";
import type { SimulateLifecycleInput } from "@/lib/lifecycle/schemas";

type Simulation = Awaited<ReturnType<typeof simulateLifecycle>>;
type Day = Simulation["perDay"][number];
type Metric = "bytes" | "files";

// The tier colours of the dashboard's charts, so Glacier and Deep Archive read the same everywhere.
const SERIES = [
  { key: "glacier", label: "To Glacier", color: "#9a5b00", pick: (d: Day) => d.archived.GLACIER },
  { key: "deep", label: "To Deep Archive", color: "#5b2bb5", pick: (d: Day) => d.archived.DEEP_ARCHIVE },
  { key: "trashed", label: "To the trash", color: "#c4312b", pick: (d: Day) => d.trashed },
  { key: "purged", label: "Purged", color: "#6b7280", pick: (d: Day) => d.purged },
  { key: "retrieved", label: "Retrieved", color: "#1d7a46", pick: (d: Day) => d.retrieved },
] as const;
const axis = { fontSize: 12, fill: "#5b6470" };
const money = (v: number) => (v === 0 ? "$0.00" : v < 0.01 ? "< $0.01" : `$${v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
const dayLabel = (iso: string) => new Date(iso).toLocaleDateString([], { month: "short", day: "numeric" });
const amount = (f: { files: number; bytes: number }, metric: Metric) => (metric === "bytes" ? formatBytes(f.bytes) : f.files.toLocaleString());
const rearchived = (d: Day) => ({ files: d.rearchived.GLACIER.files + d.rearchived.DEEP_ARCHIVE.files, bytes: d.rearchived.GLACIER.bytes + d.rearchived.DEEP_ARCHIVE.bytes });
const busy = (d: Day) => SERIES.some((s) => s.pick(d).files > 0) || rearchived(d).files > 0;

function SimulationChart({ sim, metric }: { sim: Simulation; metric: Metric }) {
  const data = sim.perDay.map((d) => ({ date: d.date, ...Object.fromEntries(SERIES.map((s) => [s.key, s.pick(d)[metric]])) }));
  const t = sim.totals;
  const summary = `Over ${sim.days} days: ${t.archived.GLACIER.files} files to Glacier, ${t.archived.DEEP_ARCHIVE.files} to Deep Archive, ${t.trashed.files} to the trash, ${t.purged.files} purged, ${t.retrieved.files} retrieved`;
  return (
    <ChartCard id="simulation" title={metric === "bytes" ? "Bytes moved per day" : "Files moved per day"} note="Day 0 is the daily runs as if they ran now." summary={summary}
      empty={sim.perDay.some(busy) ? null : "Nothing would move in these days."}>
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis dataKey="date" tickFormatter={dayLabel} tick={axis} minTickGap={20} />
          <YAxis tick={axis} width={metric === "bytes" ? 70 : 44} allowDecimals={false} tickFormatter={(v: number) => (metric === "bytes" ? formatBytes(v) : String(v))} />
          <Tooltip labelFormatter={(l) => dayLabel(String(l))} formatter={(v) => (metric === "bytes" ? formatBytes(Number(v)) : Number(v).toLocaleString())} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => <Bar key={s.key} dataKey={s.key} name={s.label} stackId="moves" fill={s.color} isAnimationActive={false} />)}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

function CostTable({ sim }: { sim: Simulation }) {
  const rows = Object.keys(sim.cost.before.byClass).map((cls) => ({ cls, before: sim.cost.before.byClass[cls], after: sim.cost.after.byClass[cls] }));
  return (
    <DataTable
      caption="Storage and its monthly cost by class, before and after the simulated days"
      rows={[...rows, { cls: "Total", before: { bytes: rows.reduce((s, r) => s + r.before.bytes, 0), monthlyCost: sim.cost.before.monthlyCost, pricePerGbMonth: 0 }, after: { bytes: rows.reduce((s, r) => s + r.after.bytes, 0), monthlyCost: sim.cost.after.monthlyCost, pricePerGbMonth: 0 } }]}
      rowKey={(r) => r.cls}
      rowProps={(r) => ({ "data-testid": "cost-row", "data-class": r.cls })}
      columns={[
        { header: "Class", width: "22%", primary: true, cell: (r) => (r.cls === "Total" ? <strong>Total</strong> : CLASS_LABEL[r.cls] ?? r.cls) },
        { header: "Stored now", width: "20%", align: "end", cell: (r) => formatBytes(r.before.bytes) },
        { header: "Per month now", width: "19%", align: "end", cell: (r) => money(r.before.monthlyCost) },
        { header: `After ${sim.days} days`, width: "20%", align: "end", cell: (r) => formatBytes(r.after.bytes) },
        { header: "Per month then", width: "19%", align: "end", cell: (r) => <strong>{money(r.after.monthlyCost)}</strong> },
      ]}
    />
  );
}

function DayTable({ sim, metric }: { sim: Simulation; metric: Metric }) {
  const days = sim.perDay.filter(busy);
  if (days.length === 0) return null;
  const cell = (f: { files: number; bytes: number }) => (f.files ? amount(f, metric) : <span className="muted">—</span>);
  return (
    <DataTable
      caption="Per day: what would be archived to each class, retrieved, archived again, trashed and purged"
      rows={days}
      rowKey={(d) => String(d.day)}
      rowProps={(d) => ({ "data-testid": "sim-day", "data-day": String(d.day) })}
      columns={[
        { header: "Day", width: "16%", primary: true, cell: (d) => <>{dayLabel(d.date)} <span className="muted">(day {d.day})</span></> },
        { header: "To Glacier", width: "14%", align: "end", cell: (d) => cell(d.archived.GLACIER) },
        { header: "To Deep Archive", width: "14%", align: "end", cell: (d) => cell(d.archived.DEEP_ARCHIVE) },
        { header: "Retrieved", width: "14%", align: "end", cell: (d) => cell(d.retrieved) },
        { header: "Archived again", width: "14%", align: "end", cell: (d) => cell(rearchived(d)) },
        { header: "To the trash", width: "14%", align: "end", cell: (d) => cell(d.trashed) },
        { header: "Purged", width: "14%", align: "end", cell: (d) => cell(d.purged) },
      ]}
    />
  );
}

/**
 * "What would happen": the lifecycle runs simulated over the next N days with the saved rules or the draft being
 * edited on this page (`draft`), as a stacked chart per day, a table per day and class, and the storage cost a
 * month before and after. Nothing moves.
 */
export function LifecycleSimulator({ draft, draftLabel }: { draft: Pick<SimulateLifecycleInput, "policies" | "retention"> | null; draftLabel: string }) {
  const id = useId();
  const [days, setDays] = useState(30);
  const [useDraft, setUseDraft] = useState(true);
  const [metric, setMetric] = useState<Metric>("bytes");
  const simulate = useMutation({
    mutationFn: (body: SimulateLifecycleInput) => apiFetch<Simulation>("/api/v1/lifecycle/simulate", { method: "POST", json: body }),
  });
  const run = () => simulate.mutate({ days, ...(useDraft && draft ? draft : {}) });
  const sim = simulate.data;
  const t = sim?.totals;

  return (
    <section className="stack" aria-labelledby={`${id}-h`} data-testid="simulator">
      <div>
        <h2 id={`${id}-h`}>Simulate</h2>
        <p className="muted" style={{ margin: 0 }}>
          What the archive, retention and trash runs would do day by day, decided by the runs&apos; own code over today&apos;s files (no new uploads or reads assumed). Nothing moves.
        </p>
      </div>
      <form className="card row" style={{ alignItems: "flex-end" }} onSubmit={(e) => { e.preventDefault(); run(); }}>
        <label className="field" style={{ margin: 0 }}>
          <span>Days</span>
          <input className="input" type="number" min={1} max={365} inputMode="numeric" value={days} style={{ width: "6rem" }} data-testid="sim-days"
            onChange={(e) => setDays(Math.min(365, Math.max(1, Math.round(Number(e.target.value) || 1))))} />
        </label>
        <fieldset className="field" style={{ margin: 0, border: 0, padding: 0 }}>
          <legend className="sr-only">Which rules</legend>
          <span className="row" style={{ gap: 12, minHeight: 38 }}>
            <label className="row" style={{ gap: 6 }}>
              <input type="radio" name={`${id}-rules`} checked={useDraft} onChange={() => setUseDraft(true)} disabled={!draft} data-testid="sim-use-draft" />
              <span>{draftLabel}</span>
            </label>
            <label className="row" style={{ gap: 6 }}>
              <input type="radio" name={`${id}-rules`} checked={!useDraft || !draft} onChange={() => setUseDraft(false)} />
              <span>Saved rules</span>
            </label>
          </span>
        </fieldset>
        <button type="submit" className="btn btn-primary" disabled={simulate.isPending} data-testid="sim-run">{simulate.isPending ? "Simulating…" : "Simulate"}</button>
      </form>

      {simulate.isPending && <div className="row"><Spinner label="Simulating" /> <span className="muted">Simulating {days} days…</span></div>}
      {simulate.isError && <Alert>Could not simulate: {simulate.error.message}</Alert>}
      {!sim && !simulate.isPending && !simulate.isError && (
        <EmptyState title="No simulation yet">Pick how many days to look ahead and press Simulate.</EmptyState>
      )}
      {sim && t && (
        <div className="stack" data-testid="sim-result" aria-live="polite">
          <p className="field-hint" style={{ margin: 0 }}>
            {sim.filesExamined.toLocaleString()} files, {sim.days} days from {new Date(sim.asOf).toLocaleString()}; archive rules {sim.rules.source.policies}, retention rules {sim.rules.source.retention}.
          </p>
          <div className="tiles">
            <div className="card tile" data-testid="sim-archived"><span className="tile-label">Archived</span><span className="tile-value">{(t.archived.GLACIER.files + t.archived.DEEP_ARCHIVE.files).toLocaleString()}</span><span className="tile-sub">{formatBytes(t.archived.GLACIER.bytes)} to Glacier · {formatBytes(t.archived.DEEP_ARCHIVE.bytes)} to Deep Archive</span></div>
            <div className="card tile" data-testid="sim-trashed"><span className="tile-label">Deleted</span><span className="tile-value">{t.trashed.files.toLocaleString()}</span><span className="tile-sub">{formatBytes(t.trashed.bytes)} to the trash · {t.purged.files.toLocaleString()} purged ({formatBytes(t.purged.bytes)})</span></div>
            <div className="card tile"><span className="tile-label">Retrieved</span><span className="tile-value">{t.retrieved.files.toLocaleString()}</span><span className="tile-sub">{(t.rearchived.GLACIER.files + t.rearchived.DEEP_ARCHIVE.files).toLocaleString()} back to their class after their window</span></div>
            <div className="card tile" data-testid="sim-cost"><span className="tile-label">Storage a month</span><span className="tile-value">{money(sim.cost.after.monthlyCost)}</span><span className="tile-sub">now {money(sim.cost.before.monthlyCost)}</span></div>
          </div>
          <div className="row" role="group" aria-label="Show the chart and table in">
            <span className="muted">Show</span>
            {(["bytes", "files"] as const).map((m) => (
              <button key={m} type="button" className={`btn btn-sm${metric === m ? " btn-primary" : ""}`} aria-pressed={metric === m} onClick={() => setMetric(m)}>{m === "bytes" ? "Bytes" : "Files"}</button>
            ))}
          </div>
          <SimulationChart sim={sim} metric={metric} />
          <DayTable sim={sim} metric={metric} />
          <h3 style={{ margin: "4px 0 0" }}>Cost per month by class</h3>
          <CostTable sim={sim} />
        </div>
      )}
    </section>
  );
}
