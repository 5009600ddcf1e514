"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/ui/api";
import type { TrailEvent } from "@/lib/audit/trail";

const LABELS: Record<string, string> = {
  "file.upload": "Uploaded",
  "file.download": "Downloaded",
  "file.view": "Viewed",
  "file.processed": "Processed",
  "file.delete": "Moved to trash",
  "file.restore": "Restored from trash",
  "file.update": "Edited",
  "file.version.upload": "New version uploaded",
  "file.version.restore": "Version restored",
  "file.archive": "Archived",
  "file.retrieval.request": "Retrieval requested",
  "file.retrieval.ready": "Retrieved",
};

const EDITABLE = ["filename", "category", "tags", "metadata"];

/** A few words on what an edit or a version event changed, when the viewer may see its details. */
function summary(e: TrailEvent): string {
  const d = e.details as { changes?: Record<string, unknown>; version?: number; restoredFrom?: number };
  // In the form's order: the stored JSON keeps its keys in its own order.
  if (e.action === "file.update" && d.changes) return ` (${EDITABLE.filter((k) => k in d.changes!).join(", ")})`;
  if (e.action === "file.version.restore" && d.version) return ` (v${d.restoredFrom} as v${d.version})`;
  if (e.action === "file.version.upload" && d.version) return ` (v${d.version})`;
  return "";
}

/** The file's own audit trail, newest first: what, who (in words) and when; addresses only for audit readers. */
export function FileTrail({ fileId }: { fileId: string }) {
  const trail = useQuery({
    queryKey: ["file-trail", fileId],
    queryFn: () => apiFetch<{ events: TrailEvent[] }>(`/api/v1/files/${fileId}/audit-events?limit=20`),
  });
  return (
    <section className="card" aria-labelledby="trail-h">
      <h2 id="trail-h">Activity</h2>
      {trail.isPending ? (
        <p className="muted">Loading…</p>
      ) : trail.isError ? (
        <p className="muted">Activity is unavailable.</p>
      ) : (
        <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="file-trail">
          {trail.data.events.map((e) => (
            <li key={e.id}>
              {LABELS[e.action] ?? e.action}
              {summary(e)}
              {e.outcome !== "success" && <span className="badge badge-failed" style={{ marginLeft: 6 }}>{e.outcome}</span>}
              <span className="muted">
                {" "}· {e.actor} · {new Date(e.occurredAt).toLocaleString()}
                {e.ip && ` · ${e.ip}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
