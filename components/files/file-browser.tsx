"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert, EmptyState } from "@/components/ui/feedback";
import { TierBadge } from "@/components/archive/tier-badge";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatBytes } from "@/lib/format";
import { BulkBar } from "./bulk-bar";
import { MediaThumb } from "./media-thumb";
import type { FileListResponse, FileSummary } from "./types";
import { useSelection } from "./use-selection";

const SORTS = [
  { value: "uploadedAt:desc", label: "Newest first" },
  { value: "uploadedAt:asc", label: "Oldest first" },
  { value: "name:asc", label: "Name A–Z" },
  { value: "name:desc", label: "Name Z–A" },
  { value: "size:desc", label: "Largest first" },
  { value: "size:asc", label: "Smallest first" },
  { value: "lastModified:desc", label: "Recently modified" },
  { value: "capturedAt:desc", label: "Newest capture" },
  { value: "capturedAt:asc", label: "Oldest capture" },
];
const STATUSES = [
  { value: "", label: "Any status" },
  { value: "ready", label: "Ready" },
  { value: "processing", label: "Processing" },
  { value: "failed", label: "Failed" },
  { value: "rejected", label: "Rejected" },
  { value: "quarantined", label: "Quarantined" },
  { value: "trashed", label: "In the trash" },
];
const FILTERS = ["q", "category", "mimeType", "tags", "status", "eventId"];
const PAGE_SIZE = 24;

export function FileBrowser() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [search, setSearch] = useState(params.get("q") ?? "");
  const { selected, toggle, setPage, clear, drop } = useSelection();
  // Shift held while a checkbox is clicked or toggled with Space: extend the selection to a range.
  const shiftHeld = useRef(false);

  const setParam = (updates: Record<string, string | null>) => {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(updates)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!("page" in updates)) next.delete("page");
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };

  // Search as the user types, without a request per keystroke.
  useEffect(() => {
    const t = setTimeout(() => {
      if ((params.get("q") ?? "") !== search) setParam({ q: search || null });
    }, 300);
    return () => clearTimeout(t);
  });

  const sort = `${params.get("sortBy") ?? "uploadedAt"}:${params.get("sortOrder") ?? "desc"}`;
  const page = Number(params.get("page") ?? 1);
  const apiParams = new URLSearchParams({ limit: String(PAGE_SIZE), page: String(page) });
  for (const key of [...FILTERS, "sortBy", "sortOrder"]) {
    const v = params.get(key);
    if (v) apiParams.set(key, v);
  }

  const query = useQuery({
    queryKey: ["files", apiParams.toString()],
    queryFn: () => apiFetch<FileListResponse>(`/api/v1/files?${apiParams}`),
    placeholderData: keepPreviousData,
    // Keep statuses live while anything on screen is still processing.
    refetchInterval: (q) => (q.state.data?.files.some((f) => f.status === "processing") ? 2000 : false),
  });

  const filtered = FILTERS.some((k) => params.get(k));
  const trashed = params.get("status") === "trashed";
  const byCapture = params.get("sortBy") === "capturedAt";
  const data = query.data;
  const pageFiles = data?.files ?? [];
  const pageSelected = pageFiles.filter((f) => selected.has(f.fileId)).length;

  // Another filter or sort shows other files, and the trash view has other actions: start a new selection.
  const filterKey = [...FILTERS, "sortBy", "sortOrder"].map((k) => params.get(k) ?? "").join("|");
  useEffect(() => clear(), [filterKey, clear]);

  const trackShift = (e: KeyboardEvent) => {
    shiftHeld.current = e.shiftKey;
  };
  const onCheck = (file: FileSummary, shift: boolean) => toggle(file, pageFiles, shift || shiftHeld.current);

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Files</h1>
          <p>{data ? fileCount(data.pagination) : "Loading…"}</p>
        </div>
        <Link className="btn btn-primary" href="/upload">Upload files</Link>
      </div>

      <div className="card toolbar toolbar-files" role="search">
        <div className="field">
          <label htmlFor="q">Search by name</label>
          <input id="q" className="input" type="search" placeholder="e.g. entrance-cam" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="type">Type</label>
          <select id="type" className="select" value={params.get("mimeType") ?? ""} onChange={(e) => setParam({ mimeType: e.target.value || null })}>
            <option value="">All media</option>
            <option value="image/">Images</option>
            <option value="video/">Videos</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="category">Category</label>
          <input id="category" className="input" defaultValue={params.get("category") ?? ""} placeholder="Any" onBlur={(e) => setParam({ category: e.target.value.trim() || null })} onKeyDown={(e) => e.key === "Enter" && setParam({ category: e.currentTarget.value.trim() || null })} />
        </div>
        <div className="field">
          <label htmlFor="tags">Tag</label>
          <input id="tags" className="input" defaultValue={params.get("tags") ?? ""} placeholder="Any" onBlur={(e) => setParam({ tags: e.target.value.trim() || null })} onKeyDown={(e) => e.key === "Enter" && setParam({ tags: e.currentTarget.value.trim() || null })} />
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" className="select" value={params.get("status") ?? ""} onChange={(e) => setParam({ status: e.target.value || null })}>
            {STATUSES.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="eventId">Event</label>
          <input id="eventId" className="input" defaultValue={params.get("eventId") ?? ""} placeholder="Event id" onBlur={(e) => setParam({ eventId: e.target.value.trim() || null })} onKeyDown={(e) => e.key === "Enter" && setParam({ eventId: e.currentTarget.value.trim() || null })} />
        </div>
        <div className="field">
          <label htmlFor="sort">Sort</label>
          <select id="sort" className="select" value={sort} onChange={(e) => { const [sortBy, sortOrder] = e.target.value.split(":"); setParam({ sortBy, sortOrder }); }}>
            {SORTS.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
        </div>
      </div>

      {query.isError && <Alert>Could not load files: {query.error.message}</Alert>}

      {query.isPending ? (
        <div className="media-grid" aria-busy="true">
          {Array.from({ length: 8 }, (_, i) => <div key={i} className="skeleton" style={{ aspectRatio: "4 / 4" }} />)}
        </div>
      ) : data && data.files.length === 0 ? (
        filtered ? (
          <EmptyState title="No files match these filters" action={<button className="btn" onClick={() => { setSearch(""); router.replace(pathname); }}>Clear filters</button>} />
        ) : (
          <EmptyState title="No files yet" action={<Link className="btn btn-primary" href="/upload">Upload your first file</Link>}>
            Snapshots and clips you upload, or that your cameras send, appear here.
          </EmptyState>
        )
      ) : data ? (
        <>
          <div className="selection-row">
            <label className="select-all">
              <input
                type="checkbox"
                checked={pageFiles.length > 0 && pageSelected === pageFiles.length}
                ref={(el) => {
                  if (el) el.indeterminate = pageSelected > 0 && pageSelected < pageFiles.length;
                }}
                onChange={(e) => setPage(pageFiles, e.target.checked)}
              />
              Select all on this page
            </label>
            {selected.size > 0 && <span className="muted">{selected.size} selected</span>}
          </div>
          <ul className="media-grid" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Files" onKeyDown={trackShift} onKeyUp={trackShift}>
            {data.files.map((f) => {
              const isSelected = selected.has(f.fileId);
              const body = (
                <>
                  {/* A trashed file's variants are not served: show its type icon. */}
                  <MediaThumb file={trashed ? { ...f, thumbnailUrl: null } : f} />
                  <div className="media-body">
                    <span className="media-name" title={f.filename}>{f.filename}</span>
                    <span className="media-meta">
                      <span>{formatBytes(f.size)} · {new Date((byCapture && f.capturedAt) || f.uploadedAt).toLocaleDateString()}</span>
                      {trashed ? <span className="badge" data-status="trashed">In trash</span> : <StatusBadge status={f.status} />}
                      <TierBadge storageClass={f.storageClass} />
                    </span>
                    {f.tags.length > 0 && (
                      <span className="media-tags" data-testid="file-tags">
                        {f.tags.slice(0, 4).map((t) => <span key={t} className="tag">{t}</span>)}
                        {f.tags.length > 4 && <span className="muted">+{f.tags.length - 4}</span>}
                      </span>
                    )}
                    {f.statusReason && f.status !== "ready" && (
                      <span className="media-reason" title={f.statusReason}>{f.statusReason}</span>
                    )}
                  </div>
                </>
              );
              return (
                <li key={f.fileId} className="media-item" data-selected={isSelected || undefined}>
                  <input
                    type="checkbox"
                    className="media-check"
                    aria-label={`Select ${f.filename}`}
                    checked={isSelected}
                    onChange={(e) => onCheck(f, (e.nativeEvent as MouseEvent).shiftKey === true)}
                  />
                  {trashed ? (
                    <div className="media-card" data-testid="file-card" data-filename={f.filename}>{body}</div>
                  ) : (
                    <Link className="media-card" href={`/files/${f.fileId}`} data-testid="file-card" data-filename={f.filename}>{body}</Link>
                  )}
                </li>
              );
            })}
          </ul>
          <nav className="pager" aria-label="Pages">
            <span className="muted">Page {data.pagination.page} of {Math.max(1, data.pagination.totalPages)}</span>
            <div className="row">
              <button className="btn btn-sm" disabled={page <= 1} onClick={() => setParam({ page: String(page - 1) })}>Previous</button>
              <button className="btn btn-sm" disabled={page >= data.pagination.totalPages} onClick={() => setParam({ page: String(page + 1) })}>Next</button>
            </div>
          </nav>
        </>
      ) : null}

      {/* Keyed by the filters: another view starts without the last view's report. */}
      <BulkBar key={filterKey} selected={selected} trashed={trashed} onClear={clear} onDrop={drop} />
    </div>
  );
}

/** Totals above 10 000 are the database's estimate: say so rather than print a precise-looking number. */
function fileCount({ total, totalExact }: { total: number; totalExact: boolean }): string {
  const n = totalExact ? total.toLocaleString() : `About ${total.toLocaleString()}`;
  return `${n} file${total === 1 ? "" : "s"}`;
}
