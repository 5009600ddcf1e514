"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert, Spinner } from "@/components/ui/feedback";
import type { toRetrieval } from "@/lib/archive/retrievals";
import { formatCost, RetrievalStatus } from "./retrieval-status";

type Retrieval = ReturnType<typeof toRetrieval>;
const TIERS = [
  { value: "expedited", label: "Expedited (minutes)" },
  { value: "standard", label: "Standard (hours)" },
  { value: "bulk", label: "Bulk (cheapest)" },
] as const;

/** On an archived file's page: its tier, the retrieval under way or a form to ask for one. */
export function RetrievePanel({ fileId, storageClass, archivedAt, rule }: { fileId: string; storageClass: string; archivedAt: string | null; rule: string | null }) {
  const queryClient = useQueryClient();
  const ids = useId();
  const [tier, setTier] = useState<(typeof TIERS)[number]["value"]>("standard");
  const [days, setDays] = useState(1);
  const query = useQuery({
    queryKey: ["retrievals", fileId],
    queryFn: () => apiFetch<{ retrievals: Retrieval[] }>(`/api/v1/retrievals?fileId=${fileId}&limit=5`),
    refetchInterval: (q) => (q.state.data?.retrievals.some((r) => r.status === "pending" || r.status === "ready") ? 2000 : false),
  });
  const request = useMutation({
    mutationFn: () => apiFetch<Retrieval>(`/api/v1/files/${fileId}/retrievals`, { method: "POST", json: { tier, days } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["retrievals", fileId] }),
  });
  const open = query.data?.retrievals.find((r) => r.status === "pending" || r.status === "ready");
  const label = storageClass === "DEEP_ARCHIVE" ? "Deep Archive" : "Glacier";
  return (
    <section className="card stack" aria-labelledby={`${ids}-h`} data-testid="retrieve-panel">
      <h2 id={`${ids}-h`}>Archived in {label}</h2>
      <p className="muted" style={{ margin: 0 }}>
        {archivedAt ? `Since ${new Date(archivedAt).toLocaleString()}` : "Archived"}{rule ? ` by the rule “${rule}”` : ""}. Thumbnails and previews stay
        available; the original downloads only while retrieved.
      </p>
      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading retrievals…</span></div>
      ) : open ? (
        <div className="row" data-testid="open-retrieval">
          <RetrievalStatus status={open.status} />
          {open.status === "pending" ? (
            <span>{open.tier} retrieval, ready about {new Date(open.estimatedReadyAt).toLocaleString()} · {formatCost(open.estimatedCost)}</span>
          ) : (
            <>
              <span>Downloadable until {open.expiresAt ? new Date(open.expiresAt).toLocaleString() : "—"}</span>
              <a className="btn btn-primary btn-sm" href={`/api/v1/files/${fileId}/download`} download data-testid="download">Download</a>
            </>
          )}
          <Link href="/retrievals" className="muted">All retrievals</Link>
        </div>
      ) : (
        <form className="row" onSubmit={(e) => { e.preventDefault(); request.mutate(); }} aria-label="Request a retrieval">
          <label className="field" style={{ margin: 0 }}>
            <span>Tier</span>
            <select className="input" value={tier} onChange={(e) => setTier(e.target.value as typeof tier)} data-testid="retrieval-tier">
              {TIERS.filter((t) => storageClass !== "DEEP_ARCHIVE" || t.value !== "expedited").map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
            </select>
          </label>
          <label className="field" style={{ margin: 0 }}>
            <span>Days available</span>
            <input className="input" type="number" min={1} max={365} value={days} onChange={(e) => setDays(Number(e.target.value))} style={{ width: "6rem" }} />
          </label>
          <button type="submit" className="btn btn-primary" disabled={request.isPending} data-testid="request-retrieval" style={{ alignSelf: "flex-end" }}>
            {request.isPending ? "Requesting…" : "Retrieve"}
          </button>
        </form>
      )}
      {request.isError && <Alert>{request.error.message}</Alert>}
      {request.isSuccess && !open && <Alert kind="success">Requested: ready about {new Date(request.data.estimatedReadyAt).toLocaleString()}, estimated {formatCost(request.data.estimatedCost)}.</Alert>}
    </section>
  );
}
