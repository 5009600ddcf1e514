"use client";

import { DataTable, type Column } from "@/components/ui/data-table";
import { formatBytes } from "@/lib/format";
import { formatDuration, formatTime } from "./format";
import type { BackupCheck, BackupSetView } from "./types";

const STATUS_BADGE: Record<BackupSetView["status"], string> = {
  running: "badge-processing", verifying: "badge-processing", completed: "badge-ready", failed: "badge-failed", expired: "",
};
const CHECK_BADGE: Record<BackupCheck, string> = { pending: "", passed: "badge-ready", failed: "badge-failed" };

export function SetStatus({ set }: { set: BackupSetView }) {
  return (
    <span className={`badge ${STATUS_BADGE[set.status]}`} data-testid="set-status">
      {(set.status === "running" || set.status === "verifying") && <span className="spinner" style={{ width: 10, height: 10, borderWidth: 2 }} aria-hidden />}
      {set.status}
    </span>
  );
}

function Check({ status, detail, error }: { status: BackupCheck; detail?: string | null; error?: string | null }) {
  return (
    <>
      <span className={`badge ${CHECK_BADGE[status]}`}>{status}</span>
      {detail && <div className="field-hint">{detail}</div>}
      {error && <div className="field-hint clamp-2" style={{ color: "var(--danger)" }} title={error}>{error}</div>}
    </>
  );
}

const COLUMNS: Column<BackupSetView>[] = [
  {
    header: "Started", width: "12%", primary: true,
    cell: (s) => <time dateTime={s.startedAt}>{formatTime(s.startedAt)}</time>,
  },
  {
    header: "Type", width: "9%",
    cell: (s) => <>{s.type}<div className="field-hint">{s.trigger === "schedule" ? "scheduled" : "manual"}</div></>,
  },
  {
    header: "Status", width: "11%",
    cell: (s) => <><SetStatus set={s} />{s.error && <div className="field-hint clamp-2" style={{ color: "var(--danger)" }} title={s.error}>{s.error}</div>}</>,
  },
  { header: "Finished", width: "12%", cell: (s) => <span className="muted">{formatTime(s.finishedAt)}</span> },
  { header: "Duration", width: "8%", align: "end", cell: (s) => (s.durationMs === null ? <span className="muted">—</span> : formatDuration(s.durationMs)) },
  {
    header: "Objects", width: "9%", align: "end",
    cell: (s) => <>{s.objects.toLocaleString()}<div className="field-hint">{s.objectsCopied.toLocaleString()} copied</div></>,
  },
  { header: "Bytes copied", width: "9%", align: "end", cell: (s) => formatBytes(s.bytesCopied) },
  {
    header: "Bytes total", width: "10%", align: "end",
    cell: (s) => <>{formatBytes(s.bytesTotal)}<div className="field-hint" title="The stored database dump">+ {formatBytes(s.databaseBytes)} DB</div></>,
  },
  { header: "Verification", width: "11%", cell: (s) => <Check status={s.verification} error={s.verificationError} /> },
  {
    header: "Drill", width: "9%",
    cell: (s) => (s.drill ? <Check status={s.drill.status} detail={s.drill.durationMs !== null ? `RTO ${formatDuration(s.drill.durationMs)}` : null} error={s.drill.error} /> : <span className="muted">—</span>),
  },
];

/** Every set, newest first: what it holds, how long it took, and whether it was verified and drilled. */
export function BackupHistory({ sets }: { sets: BackupSetView[] }) {
  return (
    <DataTable
      caption="Backup sets, newest first"
      columns={COLUMNS}
      rows={sets}
      rowKey={(s) => s.id}
      rowProps={(s) => ({ "data-testid": "backup-row", "data-status": s.status, "data-type": s.type, "data-set-id": s.id })}
    />
  );
}
