"use client";

import type { ReactNode } from "react";
import {
  Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from "recharts";
import { formatBytes } from "@/lib/format";
import type { OperationsOverview } from "@/lib/operations/overview";

// One palette for every series, in order; tiers keep their own colours so they read the same in each chart.
const PALETTE = ["#2554d8", "#1d7a46", "#9a5b00", "#5b2bb5", "#0f6473", "#c4312b", "#6b7280"];
const TIER_COLORS: Record<string, string> = { standard: "#2554d8", infrequent: "#0f6473", archive: "#9a5b00", deep_archive: "#5b2bb5" };
const colorOf = (name: string, i: number) => TIER_COLORS[name] ?? PALETTE[i % PALETTE.length];
const axis = { fontSize: 12, fill: "#5b6470" };
const hourLabel = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const dayLabel = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString([], { month: "short", day: "numeric", timeZone: "UTC" });

/** A chart in a card, with a heading, a one-line explanation, and a text equivalent for screen readers. */
export function ChartCard({ id, title, note, summary, empty, children }: { id: string; title: string; note: string; summary: string; empty?: string | null; children: ReactNode }) {
  return (
    <figure className="card chart-card" aria-labelledby={`${id}-h`} data-testid={`chart-${id}`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <p className="field-hint chart-note">{note}</p>
      {empty ? <p className="chart-empty muted">{empty}</p> : <div className="chart-body" role="img" aria-label={summary}>{children}</div>}
    </figure>
  );
}

export function StorageHistoryChart({ history, id, title, note }: { history: OperationsOverview["storageHistory"]["tiers"]; id: string; title: string; note: string }) {
  const latest = history.points.at(-1);
  const summary = latest ? history.names.map((n) => `${n}: ${formatBytes(Number(latest[n] ?? 0))}`).join(", ") : "no data";
  return (
    <ChartCard id={id} title={title} note={note} summary={`Today ${summary}`} empty={history.names.length === 0 ? "Nothing stored yet." : null}>
      <ResponsiveContainer width="100%" height={220}>
        <AreaChart data={history.points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis dataKey="day" tickFormatter={dayLabel} tick={axis} minTickGap={24} />
          <YAxis tickFormatter={(v: number) => formatBytes(v)} tick={axis} width={64} />
          <Tooltip formatter={(v) => formatBytes(Number(v))} labelFormatter={(l) => dayLabel(String(l))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {history.names.map((n, i) => (
            <Area key={n} type="monotone" dataKey={n} stackId="1" stroke={colorOf(n, i)} fill={colorOf(n, i)} fillOpacity={0.25} isAnimationActive={false} dot={history.points.length === 1} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function ActivityChart({ activity }: { activity: OperationsOverview["activity"] }) {
  const uploads = activity.reduce((s, a) => s + a.uploads, 0);
  const downloads = activity.reduce((s, a) => s + a.downloads, 0);
  return (
    <ChartCard id="activity" title="Uploads and downloads per hour" note="Last 24 hours: uploaded versions, and downloads from the audit log (a player's ranges count once)."
      summary={`${uploads} uploads and ${downloads} downloads in the last 24 hours`}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={activity} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis dataKey="hour" tickFormatter={hourLabel} tick={axis} minTickGap={16} />
          <YAxis allowDecimals={false} tick={axis} width={40} />
          <Tooltip labelFormatter={(l) => hourLabel(String(l))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="uploads" name="Uploads" fill="#2554d8" isAnimationActive={false} />
          <Bar dataKey="downloads" name="Downloads" fill="#1d7a46" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function DurationChart({ durations }: { durations: OperationsOverview["processingDurations"] }) {
  const jobs = durations.reduce((s, d) => s + d.jobs, 0);
  const last = durations.at(-1);
  return (
    <ChartCard id="durations" title="Processing time percentiles" note="Seconds from a job's first step to its outcome, succeeded jobs by the hour they finished (last 24 hours)."
      summary={last ? `Latest hour: p50 ${last.p50} s, p90 ${last.p90} s, p99 ${last.p99} s over ${jobs} jobs` : "no jobs"}
      empty={durations.length === 0 ? "No processing finished in the last 24 hours." : null}>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={durations} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis dataKey="hour" tickFormatter={hourLabel} tick={axis} minTickGap={16} />
          <YAxis tick={axis} width={48} tickFormatter={(v: number) => `${v} s`} />
          <Tooltip labelFormatter={(l) => hourLabel(String(l))} formatter={(v) => `${v} s`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line type="monotone" dataKey="p50" stroke="#1d7a46" dot={durations.length < 3} isAnimationActive={false} />
          <Line type="monotone" dataKey="p90" stroke="#9a5b00" dot={durations.length < 3} isAnimationActive={false} />
          <Line type="monotone" dataKey="p99" stroke="#c4312b" dot={durations.length < 3} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

const SOURCE_LABEL: Record<string, string> = { processing: "processing", audit: "audit", webhooks: "webhook" };

export function ErrorsChart({ errors }: { errors: OperationsOverview["errors"] }) {
  const data = errors.map((e) => ({ name: `${SOURCE_LABEL[e.source] ?? e.source}: ${e.name}`, count: e.count }));
  return (
    <ChartCard id="errors" title="Errors by operation" note="Last 7 days: failed processing by step, failed or refused requests by audited action, failed webhook deliveries."
      summary={data.map((d) => `${d.name} ${d.count}`).join(", ") || "no errors"} empty={data.length === 0 ? "No errors in the last 7 days." : null}>
      <ResponsiveContainer width="100%" height={Math.max(120, data.length * 30 + 30)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={axis} />
          <YAxis type="category" dataKey="name" tick={axis} width={170} />
          <Tooltip />
          <Bar dataKey="count" name="Errors" fill="#c4312b" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
