const BADGES: Record<string, string> = { pending: "badge-processing", ready: "badge-ready", expired: "", failed: "badge-failed" };
const LABELS: Record<string, string> = { pending: "Pending", ready: "Ready", expired: "Expired", failed: "Failed" };

export function RetrievalStatus({ status }: { status: string }) {
  return (
    <span className={`badge ${BADGES[status] ?? ""}`} data-status={status}>
      {status === "pending" && <span className="spinner" style={{ width: 10, height: 10, borderWidth: 2 }} aria-hidden />}
      {LABELS[status] ?? status}
    </span>
  );
}

export function formatCost(dollars: number): string {
  return dollars < 0.01 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}
