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
};

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
