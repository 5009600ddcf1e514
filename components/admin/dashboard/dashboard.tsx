"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { apiFetch } from "@/components/ui/api";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Alert, Spinner } from "@/components/ui/feedback";
import { formatBytes } from "@/lib/format";
import type { OperationsOverview } from "@/lib/operations/overview";
import { AlertsPanel } from "./alerts-panel";
import { ActivityChart, DurationChart, ErrorsChart, StorageHistoryChart } from "./charts";

type Camera = OperationsOverview["cameras"][number];

const money = (v: number) => (v === 0 ? "$0.00" : v < 0.01 ? "< $0.01" : `$${v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
const tierName = (tier: string) => tier.replace("_", " ");

export function Tile({ label, value, sub, tone, href, testId }: { label: string; value: ReactNode; sub?: ReactNode; tone?: "danger" | "warning"; href?: string; testId: string }) {
  const body = (
    <>
      <span className="tile-label">{label}</span>
      <span className="tile-value">{value}</span>
      {sub && <span className="tile-sub">{sub}</span>}
    </>
  );
  return href ? (
    <Link href={href} className={`card tile tile-link${tone ? ` tile-${tone}` : ""}`} data-testid={testId}>{body}</Link>
  ) : (
    <div className={`card tile${tone ? ` tile-${tone}` : ""}`} data-testid={testId}>{body}</div>
  );
}

function cameraColumns(tiers: string[]): Column<Camera>[] {
  return [
    { header: "Camera", width: "24%", primary: true, cell: (c) => (c.cameraId ? <code>{c.cameraId}</code> : <span className="muted">(no camera)</span>) },
    { header: "Files", width: "12%", align: "end", cell: (c) => c.files.toLocaleString() },
    { header: "Stored", width: "14%", align: "end", cell: (c) => formatBytes(c.bytes) },
    {
      header: "By tier", width: "32%",
      cell: (c) => tiers.filter((t) => c.bytesByTier[t]).map((t) => <span key={t} className="tag">{tierName(t)} {formatBytes(c.bytesByTier[t])}</span>),
    },
    { header: "Per month", width: "18%", align: "end", cell: (c) => <strong>{money(c.monthlyCost)}</strong> },
  ];
}

/** The admin's home: what is stored where and what it costs, what happened today, and what needs attention. */
export function OperationsDashboard() {
  const query = useQuery({ queryKey: ["overview"], queryFn: () => apiFetch<OperationsOverview>("/api/v1/admin/overview"), refetchInterval: 30_000 });
  if (query.isPending) return <div className="row"><Spinner /> <span className="muted">Loading the dashboard…</span></div>;
  if (query.isError) return <Alert>Could not load the dashboard: {query.error.message}</Alert>;
  const o = query.data;
  const tiersInUse = o.byTier.filter((t) => t.files > 0);
  return (
    <div className="stack">
      <div className="page-header" style={{ marginBottom: 0 }}>
        <div>
          <h1>Dashboard</h1>
          <p>Storage, activity and alerts across every owner. Updated {new Date(o.generatedAt).toLocaleTimeString()}.</p>
        </div>
      </div>
      <div className="tiles" data-testid="tiles">
        <Tile testId="tile-files" label="Files" value={o.totals.files.toLocaleString()} sub={`${o.totals.trashFiles.toLocaleString()} in the trash`} href="/files" />
        <Tile testId="tile-bytes" label="Stored" value={formatBytes(o.totals.bytes)}
          sub={tiersInUse.length ? tiersInUse.map((t) => `${tierName(t.tier)} ${formatBytes(t.bytes)}`).join(" · ") : "nothing yet"} />
        <Tile testId="tile-cost" label="Storage per month" value={money(o.totals.monthlyCost)} sub={`at ${o.prices.currency} list prices per GiB`} />
        <Tile testId="tile-uploads" label="Uploads today" value={o.today.uploads.toLocaleString()} sub={formatBytes(o.today.uploadBytes)} />
        <Tile testId="tile-downloads" label="Downloads today" value={o.today.downloads.toLocaleString()} sub="since midnight UTC" />
        <Tile testId="tile-jobs" label="Jobs failing" value={o.jobs.failed.toLocaleString()} tone={o.jobs.failed > 0 ? "danger" : undefined}
          sub={`${o.jobs.failedLast24h} in 24 h · ${o.jobs.queued + o.jobs.running} queued or running`} href="/admin/jobs" />
        <Tile testId="tile-backup" label="Last backup" value={o.lastBackup ? new Date(o.lastBackup.finishedAt).toLocaleString(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }) : "No backups yet"}
          tone={o.lastBackup?.status === "failed" ? "danger" : undefined}
          sub={o.lastBackup ? `${o.lastBackup.status} · ${formatBytes(o.lastBackup.bytes)}` : "none has finished yet"} href="/admin/backups" />
        <Tile testId="tile-alerts" label="Open alerts" value={o.alerts.open.toLocaleString()} tone={o.alerts.open > 0 ? "warning" : undefined}
          sub={`${o.alerts.acknowledged} acknowledged`} />
      </div>
      <AlertsPanel />
      <div className="chart-grid">
        <StorageHistoryChart id="storage-tiers" history={o.storageHistory.tiers} title="Storage by tier" note="Bytes of live files per day (daily snapshots; today live)." />
        <StorageHistoryChart id="storage-cameras" history={o.storageHistory.cameras} title="Storage by camera" note="The five largest cameras today, the rest as other." />
        <ActivityChart activity={o.activity} />
        <DurationChart durations={o.processingDurations} />
      </div>
      <ErrorsChart errors={o.errors} />
      <section className="stack" aria-labelledby="cameras-h">
        <div>
          <h2 id="cameras-h" style={{ marginBottom: 4 }}>Storage and cost per camera</h2>
          <p className="field-hint" style={{ margin: 0 }}>
            Live files, current versions, at {Object.entries(o.prices.perGbMonth).map(([t, p]) => `${tierName(t)} $${p}`).join(", ")} per GiB-month
            {o.cameraCount > o.cameras.length ? ` (the ${o.cameras.length} largest of ${o.cameraCount})` : ""}.
          </p>
        </div>
        {o.cameras.length === 0 ? (
          <p className="muted">No files yet.</p>
        ) : (
          <DataTable caption="Storage and monthly cost per camera" columns={cameraColumns(o.byTier.map((t) => t.tier))} rows={o.cameras} rowKey={(c) => c.cameraId ?? ""} rowProps={() => ({ "data-testid": "camera-row" })} />
        )}
      </section>
    </div>
  );
}
