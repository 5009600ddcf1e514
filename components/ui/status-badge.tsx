const LABELS: Record<string, string> = {
  processing: "Processing",
  ready: "Ready",
  rejected: "Rejected",
  quarantined: "Quarantined",
  failed: "Failed",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {status === "processing" && <span className="spinner" style={{ width: 10, height: 10, borderWidth: 2 }} aria-hidden />}
      {LABELS[status] ?? status}
    </span>
  );
}
