"use client";

import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { MediaThumb } from "@/components/files/media-thumb";
import { apiFetch } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import { formatBytes } from "@/lib/format";
import type { TrashItem, TrashList } from "@/lib/files/trash-list";

const PAGE_SIZE = 50;

function daysLeft(purgeAt: string | null): string {
  if (!purgeAt) return "—";
  const days = Math.ceil((new Date(purgeAt).getTime() - Date.now()) / 86_400_000);
  if (days <= 0) return "Today";
  return days === 1 ? "1 day" : `${days} days`;
}

/** Two clicks to destroy: the first asks, the second (or Escape to back out) decides. */
function ConfirmButton({ label, question, confirmLabel, busy, onConfirm, testId }: {
  label: string; question: string; confirmLabel: string; busy: boolean; onConfirm: () => void; testId: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return <button type="button" className="btn btn-sm btn-danger" onClick={() => setAsking(true)} data-testid={testId}>{label}</button>;
  }
  return (
    <span className="row" role="group" aria-label={question} onKeyDown={(e) => e.key === "Escape" && setAsking(false)}>
      <span className="muted">{question}</span>
      <button type="button" className="btn btn-sm btn-danger" disabled={busy} onClick={onConfirm} autoFocus data-testid={`${testId}-confirm`}>
        {busy ? "Deleting…" : confirmLabel}
      </button>
      <button type="button" className="btn btn-sm" onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}

function TrashRow({ item, showOwner, canPurge, onDone }: { item: TrashItem; showOwner: boolean; canPurge: boolean; onDone: (message: string) => void }) {
  const restore = useMutation({
    mutationFn: () => apiFetch<{ message: string }>(`/api/v1/files/${item.fileId}/restore`, { method: "POST" }),
    onSuccess: (r) => onDone(r.message),
  });
  const purge = useMutation({
    mutationFn: () => apiFetch<{ message: string }>(`/api/v1/files/${item.fileId}?permanent=true`, { method: "DELETE" }),
    onSuccess: (r) => onDone(r.message),
  });
  const error = restore.error ?? purge.error;
  return (
    <li className="trash-item" data-testid="trash-item" data-filename={item.filename}>
      {/* The trash serves no bytes, thumbnails included: an icon by type. */}
      <div className="trash-thumb"><MediaThumb file={{ ...item, thumbnailUrl: null }} /></div>
      <div className="trash-body">
        <span className="media-name" title={item.filename}>{item.filename}</span>
        <span className="trash-meta">
          <span>{formatBytes(item.size)}</span>
          {showOwner && <span title="Owner">{item.ownerEmail}</span>}
          <span>Deleted {new Date(item.deletedAt).toLocaleString()}</span>
          <span title={item.purgeAt ? `Purged after ${new Date(item.purgeAt).toLocaleString()}` : undefined}>Purged in {daysLeft(item.purgeAt)}</span>
        </span>
        {error && <span className="field-hint" role="alert" style={{ color: "var(--danger)" }}>{error.message}</span>}
      </div>
      <div className="row trash-actions">
        <button type="button" className="btn btn-sm" disabled={restore.isPending || purge.isPending} onClick={() => restore.mutate()} aria-label={`Restore ${item.filename}`} data-testid="restore">
          {restore.isPending ? "Restoring…" : "Restore"}
        </button>
        {canPurge && (
          <ConfirmButton label="Delete forever" question="Delete forever?" confirmLabel="Yes, delete" busy={purge.isPending} onConfirm={() => purge.mutate()} testId="purge" />
        )}
      </div>
    </li>
  );
}

export function TrashView({ allOwners, canPurge, retentionDays }: { allOwners: boolean; canPurge: boolean; retentionDays: number }) {
  const queryClient = useQueryClient();
  const [ownerId, setOwnerId] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [emptying, setEmptying] = useState<{ done: number; total: number } | null>(null);
  const [emptyError, setEmptyError] = useState<string | null>(null);

  const users = useQuery({
    queryKey: ["users"],
    queryFn: () => apiFetch<{ users: { id: string; email: string }[] }>("/api/v1/users"),
    enabled: allOwners,
  });
  const query = useInfiniteQuery({
    queryKey: ["trash", ownerId],
    queryFn: ({ pageParam }) =>
      apiFetch<TrashList>(`/api/v1/trash?limit=${PAGE_SIZE}${ownerId ? `&ownerId=${ownerId}` : ""}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.pagination.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const items = query.data?.pages.flatMap((p) => p.files) ?? [];
  const total = query.data?.pages[0]?.pagination.total ?? 0;

  const refresh = async (message: string) => {
    setNotice(message);
    await Promise.all([queryClient.invalidateQueries({ queryKey: ["trash"] }), queryClient.invalidateQueries({ queryKey: ["files"] })]);
  };

  /** Purges everything in the current view, page by page, newest first, through the same API as one purge. */
  const emptyTrash = async () => {
    setEmptyError(null);
    setNotice(null);
    let done = 0;
    setEmptying({ done, total });
    try {
      for (;;) {
        const page = await apiFetch<TrashList>(`/api/v1/trash?limit=100${ownerId ? `&ownerId=${ownerId}` : ""}`);
        if (page.files.length === 0) break;
        for (const f of page.files) {
          await apiFetch(`/api/v1/files/${f.fileId}?permanent=true`, { method: "DELETE" });
          setEmptying({ done: ++done, total: Math.max(total, done) });
        }
      }
      await refresh(done === 1 ? "1 file was deleted permanently." : `${done} files were deleted permanently.`);
    } catch (err) {
      setEmptyError(`Stopped after ${done}: ${(err as Error).message}`);
      await queryClient.invalidateQueries({ queryKey: ["trash"] });
    } finally {
      setEmptying(null);
    }
  };

  const ownerLabel = allOwners && !ownerId ? "everyone's trash" : "the trash";
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Trash</h1>
          <p className="muted" style={{ margin: 0 }}>
            Deleted files stay here for {retentionDays} days, still counted in storage, and can be restored until they are purged.
          </p>
        </div>
        {canPurge && items.length > 0 && (
          emptying ? (
            <span className="row" role="status"><Spinner label="Emptying the trash" /> Deleting {emptying.done} of {emptying.total}…</span>
          ) : (
            <ConfirmButton
              label="Empty trash"
              question={`Delete all ${total.toLocaleString()} in ${ownerLabel} forever?`}
              confirmLabel="Yes, empty it"
              busy={false}
              onConfirm={emptyTrash}
              testId="empty-trash"
            />
          )
        )}
      </div>

      {allOwners && (
        <div className="card toolbar trash-toolbar">
          <div className="field">
            <label htmlFor="owner">Owner</label>
            <select id="owner" className="select" value={ownerId} onChange={(e) => setOwnerId(e.target.value)} disabled={users.isPending}>
              <option value="">All owners</option>
              {users.data?.users.map((u) => <option key={u.id} value={u.id}>{u.email}</option>)}
            </select>
          </div>
        </div>
      )}

      {notice && <Alert kind="success">{notice}</Alert>}
      {emptyError && <Alert>{emptyError}</Alert>}
      {query.isError && <Alert>Could not load the trash: {query.error.message}</Alert>}

      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading the trash…</span></div>
      ) : items.length === 0 && !query.isError ? (
        <EmptyState title="The trash is empty">
          {allOwners && ownerId ? "This owner has nothing in the trash." : `Files you delete appear here for ${retentionDays} days before they are purged.`}
        </EmptyState>
      ) : (
        <>
          <p className="muted" style={{ margin: 0 }} data-testid="trash-count">
            {total.toLocaleString()}{query.data?.pages[0]?.pagination.totalExact ? "" : "+"} file{total === 1 ? "" : "s"} in {ownerLabel}
          </p>
          <ul className="trash-list" aria-label="Files in the trash">
            {items.map((item) => (
              <TrashRow key={item.fileId} item={item} showOwner={allOwners} canPurge={canPurge} onDone={refresh} />
            ))}
          </ul>
          {query.hasNextPage && (
            <div className="row" style={{ justifyContent: "center" }}>
              <button type="button" className="btn" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                {query.isFetchingNextPage ? "Loading…" : "Show more"}
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
