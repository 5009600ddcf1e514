"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/ui/api";
import type { ApiAuditEvent } from "@/lib/audit/query";

const LABELS: Record<string, string> = {
  "file.upload": "Uploaded",
  "file.download": "Downloaded",
  "file.view": "Viewed",
  "file.processed": "Processed",
  "file.delete": "Moved to trash",
};

/** The file's own audit trail, newest first. */
export function FileTrail({ fileId }: { fileId: string }) {
  const trail = useQuery({
    queryKey: ["file-trail", fileId],
    queryFn: () => apiFetch<{ events: ApiAuditEvent[] }>(`/api/v1/files/${fileId}/audit-events?limit=20`),
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
              <span className="muted"> · {new Date(e.occurredAt).toLocaleString()}{e.actorType === "system" ? " · system" : ""}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
