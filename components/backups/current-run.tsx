"use client";

import { formatDuration, formatTime } from "./format";
import type { BackupSetView } from "./types";

const phaseName = (phase: string) => {
  const words = phase.replace(/[-_]+/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : "Starting";
};

/** The run in progress: its phase and how far along it is, refreshed while the page polls. */
export function CurrentRun({ set, now }: { set: BackupSetView; now: number }) {
  const p = set.progress;
  const pct = p && p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : null;
  const label = `${set.type === "full" ? "Full" : "Incremental"} backup ${set.status === "verifying" ? "verifying" : "running"}`;
  return (
    <section className="card stack current-run" aria-labelledby="current-run-h" data-testid="current-run" data-phase={p?.phase ?? ""}>
      <div className="row">
        <span className="spinner" aria-hidden />
        <h2 id="current-run-h" style={{ margin: 0 }}>{label}</h2>
        <span className="spacer" />
        <span className="muted">started {formatTime(set.startedAt)} · {formatDuration(Math.max(0, now - new Date(set.startedAt).getTime()))} so far</span>
      </div>
      <div className="bulk-progress" aria-live="polite">
        <div className="row" style={{ justifyContent: "space-between" }}>
          <strong data-testid="current-run-phase">{phaseName(p?.phase ?? "")}</strong>
          <span className="muted" data-testid="current-run-count">
            {p ? `${p.done.toLocaleString()} of ${p.total.toLocaleString()}${pct !== null ? ` (${pct}%)` : ""}` : "preparing…"}
          </span>
        </div>
        {/* Without a total the bar is indeterminate, which says "working" without inventing a figure. */}
        <progress max={p && p.total > 0 ? p.total : undefined} value={p && p.total > 0 ? p.done : undefined} aria-label={`${label}: ${phaseName(p?.phase ?? "")}`} />
      </div>
    </section>
  );
}
