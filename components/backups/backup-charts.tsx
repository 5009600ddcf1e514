"use client";

import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard } from "@/components/admin/dashboard/charts";
import { formatBytes } from "@/lib/format";
import { formatDuration } from "./format";
import type { BackupSetView } from "./types";

const axis = { fontSize: 12, fill: "#5b6470" };
const setLabel = (iso: string) => new Date(iso).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** Finished sets (completed, or since expired), oldest first: what the charts draw. */
function finished(sets: BackupSetView[]) {
  return sets.filter((s) => s.status === "completed" || s.status === "expired").sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export function BackupSizeChart({ sets }: { sets: BackupSetView[] }) {
  const data = finished(sets).map((s) => ({ at: s.startedAt, type: s.type, total: s.bytesTotal, copied: s.bytesCopied }));
  const last = data.at(-1);
  return (
    <ChartCard id="backup-sizes" title="Size per set" note="Bytes of the objects a set references (total) and of those its run copied; an incremental copies only content no earlier kept set holds."
      summary={last ? `Latest ${last.type} set: ${formatBytes(last.total)} total, ${formatBytes(last.copied)} copied; ${data.length} sets shown` : "no sets"}
      empty={data.length === 0 ? "No completed backups yet." : null}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis dataKey="at" tickFormatter={setLabel} tick={axis} minTickGap={24} />
          <YAxis tickFormatter={(v: number) => formatBytes(v)} tick={axis} width={64} />
          <Tooltip formatter={(v) => formatBytes(Number(v))} labelFormatter={(l) => setLabel(String(l))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="total" name="Total" fill="#2554d8" isAnimationActive={false} maxBarSize={28} />
          <Bar dataKey="copied" name="Copied" fill="#1d7a46" isAnimationActive={false} maxBarSize={28} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

/** The axis unit for durations up to `maxMs`: seconds, minutes or hours, so ticks are round numbers of it. */
function durationUnit(maxMs: number): { ms: number; label: string } {
  if (maxMs < 120_000) return { ms: 1000, label: "s" };
  if (maxMs < 120 * 60_000) return { ms: 60_000, label: "min" };
  return { ms: 3_600_000, label: "h" };
}

export function BackupDurationChart({ sets }: { sets: BackupSetView[] }) {
  const raw = finished(sets).map((s) => ({ at: s.startedAt, run: s.durationMs, drill: s.drill?.durationMs ?? null }));
  const unit = durationUnit(Math.max(0, ...raw.flatMap((d) => [d.run ?? 0, d.drill ?? 0])));
  const inUnit = (ms: number | null) => (ms === null ? null : ms / unit.ms);
  const data = raw.map((d) => ({ at: d.at, run: inUnit(d.run), drill: inUnit(d.drill) }));
  const last = raw.at(-1);
  const drills = raw.some((d) => d.drill !== null);
  return (
    <ChartCard id="backup-durations" title="Duration per set" note="How long each run took, verification included, and its restore drill (the measured RTO) where one ran."
      summary={last?.run != null ? `Latest run ${formatDuration(last.run)}; ${raw.length} sets shown` : "no runs"}
      empty={data.length === 0 ? "No completed backups yet." : null}>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e8ec" vertical={false} />
          <XAxis dataKey="at" tickFormatter={setLabel} tick={axis} minTickGap={24} />
          <YAxis tickFormatter={(v: number) => `${Number(v.toFixed(1))} ${unit.label}`} tick={axis} width={56} />
          <Tooltip formatter={(v) => formatDuration(Number(v) * unit.ms)} labelFormatter={(l) => setLabel(String(l))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line type="linear" dataKey="run" name="Backup run" stroke="#2554d8" dot={data.length < 16} isAnimationActive={false} connectNulls />
          {drills && <Line type="linear" dataKey="drill" name="Restore drill" stroke="#9a5b00" dot isAnimationActive={false} connectNulls />}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
