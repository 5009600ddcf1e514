"use client";

import { formatDuration, formatTime } from "./format";
import type { BackupSetView } from "./types";

/** The run's phases (lib/backup/run.ts), as the page names them; the unit counted in each. */
const PHASES: Record<string, { name: string; unit?: string }> = {
  queued: { name: "Waiting for the workflow to start" },
  snapshot: { name: "Database snapshot (tables dumped, objects listed)" },
  copy: { name: "Copying objects", unit: "objects" },
  verify: { name: "Verifying: every object and dump re-read and hashed", unit: "objects" },
};
const phaseOf = (phase: string | undefined) => PHASES[phase ?? "queued"] ?? { name: (phase ?? "").replace(/[-_]+/g, " ") };

/** The run in progress: its phase and how far along it is, refreshed while the page polls. */
export function CurrentRun({ set, now }: { set: BackupSetView; now: number }) {
  const p = set.progress;
  const pct = p && p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : null;
  const label = `${set.type === "full" ? "Full" : "Incremental"} backup ${set.status === "verifying" ? "verifying" : "running"}`;
  const phase = phaseOf(p?.phase);
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
          <strong data-testid="current-run-phase">{phase.name}</strong>
          <span className="muted" data-testid="current-run-count">
            {p && p.total > 0 ? `${p.done.toLocaleString()} of ${p.total.toLocaleString()}${phase.unit ? ` ${phase.unit}` : ""} (${pct}%)` : "working…"}
          </span>
        </div>
        {/* Without a total the bar is indeterminate, which says "working" without inventing a figure. */}
        <progress max={p && p.total > 0 ? p.total : undefined} value={p && p.total > 0 ? p.done : undefined} aria-label={`${label}: ${phase.name}`} />
      </div>
    </section>
  );
}
