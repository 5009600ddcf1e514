"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { apiFetch } from "@/components/ui/api";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import type { ApiAuditEvent } from "@/lib/audit/query";
import type { AuditVerification as Verification } from "@/lib/audit/verify";

interface Page { events: ApiAuditEvent[]; nextCursor: string | null; pagination: { total: number; totalExact: boolean } }

const REASONS: Record<NonNullable<Verification["reason"]>, string> = {
  altered: "an event or its seal was changed after it was written",
  missing: "an event or a link was deleted from the middle of the log",
  truncated: "the newest events were deleted: the log is shorter than its last signed checkpoint in storage",
  rewritten: "the log was sealed again after a change and no longer matches its signed checkpoint",
  forged_checkpoint: "a checkpoint in storage was not signed by this app",
};

function whereBroken(v: Verification): string {
  const at = [v.firstBrokenSeq !== undefined && `chain position ${v.firstBrokenSeq}`, v.firstBrokenId !== undefined && `event #${v.firstBrokenId}`].filter(Boolean);
  return at.length ? ` at ${at.join(", ")}` : "";
}

const FILTERS = ["actor", "action", "fileId", "outcome", "from", "to"] as const;

function VerificationBanner() {
  const verify = useQuery({ queryKey: ["audit-verify"], queryFn: () => apiFetch<Verification>("/api/v1/audit-events/verify") });
  if (verify.isPending) return <div className="row"><Spinner label="Verifying" /> <span className="muted">Verifying the hash chain…</span></div>;
  if (verify.isError) return <Alert>Could not verify the log: {verify.error.message}</Alert>;
  const v = verify.data;
  const waiting = v.unsealed > 0 ? ` ${v.unsealed.toLocaleString()} newer ${v.unsealed === 1 ? "event waits" : "events wait"} to be sealed.` : "";
  return v.valid ? (
    <Alert kind="success">
      <span data-testid="audit-verified">
        Hash chain intact: {v.checked.toLocaleString()} events verified against {v.checkpoints.toLocaleString()} signed checkpoints.{waiting}
      </span>
    </Alert>
  ) : (
    <Alert>
      <span data-testid="audit-broken">
        Hash chain broken{whereBroken(v)}: {v.reason ? REASONS[v.reason] : "the log was altered after it was written"}.{waiting}
      </span>
    </Alert>
  );
}

const AUDIT_COLUMNS: Column<ApiAuditEvent>[] = [
  { header: "#", width: "7%", cell: (e) => <span className="mono" title={e.seq === null ? "Not sealed yet" : undefined}>{e.seq ?? "…"}</span> },
  { header: "When", width: "17%", cell: (e) => new Date(e.occurredAt).toLocaleString() },
  { header: "Action", width: "17%", primary: true, cell: (e) => <span className="mono">{e.action}</span> },
  { header: "Outcome", width: "10%", cell: (e) => <span className={`badge ${e.outcome === "success" ? "badge-ready" : "badge-failed"}`}>{e.outcome}</span> },
  {
    header: "Actor", width: "19%",
    cell: (e) => <span className="mono" title={e.userAgent ?? undefined}>{e.actorType === "system" ? e.actorId : `${e.actorType}${e.actorId ? `:${e.actorId.slice(0, 8)}` : ""}`}</span>,
  },
  { header: "File", width: "12%", cell: (e) => <span className="mono">{e.fileId ? <Link href={`/files/${e.fileId}`}>{e.fileId.slice(0, 8)}</Link> : "—"}</span> },
  { header: "IP", width: "18%", cell: (e) => <span className="mono">{e.ip ?? "—"}</span> },
];

export function AuditLog() {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  const log = useInfiniteQuery({
    queryKey: ["audit", params.toString()],
    initialPageParam: "",
    queryFn: ({ pageParam }) => apiFetch<Page>(`/api/v1/audit-events?${params}${pageParam ? `&cursor=${pageParam}` : ""}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next: Record<string, string> = {};
    for (const key of FILTERS) {
      const value = String(form.get(key) ?? "").trim();
      if (value) next[key] = key === "from" || key === "to" ? new Date(value).toISOString() : value;
    }
    setFilters(next);
  };
  const events = log.data?.pages.flatMap((p) => p.events) ?? [];
  const counted = log.data?.pages[0]?.pagination;

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p>Every file and security event, append-only, sealed into a keyed hash chain seconds after it happens.</p>
        </div>
        <a className="btn" href={`/api/v1/audit-events/export?${params}`} download>Export CSV</a>
      </div>
      <VerificationBanner />
      <form className="card toolbar toolbar-filters" onSubmit={apply} aria-label="Filter events">
        <div className="field"><label htmlFor="f-actor">Actor id</label><input id="f-actor" name="actor" className="input" placeholder="user id" /></div>
        <div className="field"><label htmlFor="f-action">Action</label><input id="f-action" name="action" className="input" placeholder="e.g. file.download" /></div>
        <div className="field"><label htmlFor="f-outcome">Outcome</label>
          <select id="f-outcome" name="outcome" className="select" defaultValue=""><option value="">Any</option><option>success</option><option>failure</option><option>denied</option></select>
        </div>
        <div className="field"><label htmlFor="f-from">From</label><input id="f-from" name="from" type="datetime-local" className="input" /></div>
        <div className="field"><label htmlFor="f-to">To</label><input id="f-to" name="to" type="datetime-local" className="input" /></div>
        <button className="btn btn-primary" type="submit">Apply</button>
      </form>
      {log.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading events…</span></div>
      ) : log.isError ? (
        <Alert>Could not load the log: {log.error.message}</Alert>
      ) : events.length === 0 ? (
        <EmptyState title="No events match" />
      ) : (
        <>
          {counted && (
            <p className="muted" data-testid="audit-total">
              {counted.totalExact ? "" : "about "}{counted.total.toLocaleString()} {counted.total === 1 ? "event" : "events"} match
            </p>
          )}
          <DataTable caption="Audit events, newest first" columns={AUDIT_COLUMNS} rows={events} rowKey={(e) => String(e.id)} rowProps={() => ({ "data-testid": "audit-row" })} />
        </>
      )}
      {log.hasNextPage && (
        <button className="btn" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {log.isFetchingNextPage ? "Loading…" : "Load older events"}
        </button>
      )}
    </div>
  );
}
