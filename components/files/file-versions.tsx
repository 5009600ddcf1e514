"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Dashboard from "@uppy/react/dashboard";
import { useEffect, useRef, useState } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert, Spinner } from "@/components/ui/feedback";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatBytes } from "@/lib/format";
import type { VersionInfo } from "@/lib/files/versions";
import { createUppy, type UploadLimits } from "./uploader";

/** Uppy for one file's next version: the same presigned flow as the Upload page, reserved with the file's id. */
function VersionUploader({ fileId, limits, onRecorded }: { fileId: string; limits: UploadLimits; onRecorded: () => void }) {
  const [uppy] = useState(() => createUppy(limits, onRecorded, { fileId }));
  return (
    <div data-testid="version-uploader">
      <Dashboard
        uppy={uppy}
        width="100%"
        height={260}
        proudlyDisplayPoweredByUppy={false}
        note="One image or video; it becomes current once it has been checked"
      />
    </div>
  );
}

function RestoreButton({ fileId, version }: { fileId: string; version: VersionInfo }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const restore = useMutation({
    mutationFn: () => apiFetch<VersionInfo>(`/api/v1/files/${fileId}/versions/${version.version}/restore`, { method: "POST" }),
    onSuccess: async () => {
      setConfirming(false);
      await Promise.all(["file", "file-versions", "file-trail"].map((key) => queryClient.invalidateQueries({ queryKey: [key, fileId] })));
      await queryClient.invalidateQueries({ queryKey: ["files"] });
    },
  });
  if (!confirming) {
    return (
      <button type="button" className="btn btn-sm" onClick={() => setConfirming(true)} aria-label={`Restore version ${version.version}`}>
        Restore
      </button>
    );
  }
  return (
    <span className="row" role="group" aria-label={`Confirm restore of version ${version.version}`}>
      <span className="muted">Make v{version.version} current?</span>
      <button type="button" className="btn btn-sm btn-primary" onClick={() => restore.mutate()} disabled={restore.isPending} autoFocus>
        {restore.isPending ? "Restoring…" : "Yes, restore"}
      </button>
      <button type="button" className="btn btn-sm" onClick={() => setConfirming(false)} disabled={restore.isPending}>Cancel</button>
      {restore.isError && <Alert>Could not restore: {restore.error.message}</Alert>}
    </span>
  );
}

/**
 * Every version, newest first: size, status, who and when; download and restore (with confirmation) for
 * versions that passed processing; the current one marked. "Upload new version" opens Uppy for this file.
 */
export function FileVersions({ fileId, limits, canWrite, archived = false }: { fileId: string; limits: UploadLimits; canWrite: boolean; archived?: boolean }) {
  const queryClient = useQueryClient();
  const [uploading, setUploading] = useState(false);
  const query = useQuery({
    queryKey: ["file-versions", fileId],
    queryFn: () => apiFetch<{ versions: VersionInfo[] }>(`/api/v1/files/${fileId}/versions`),
    refetchInterval: (q) => (q.state.data?.versions.some((v) => v.status === "processing") ? 2000 : false),
  });
  // A version that just finished processing may have become current: the file's own view follows.
  const processing = query.data?.versions.filter((v) => v.status === "processing").length ?? 0;
  const seenProcessing = useRef(processing);
  useEffect(() => {
    if (processing < seenProcessing.current) {
      void queryClient.invalidateQueries({ queryKey: ["file", fileId] });
      void queryClient.invalidateQueries({ queryKey: ["file-trail", fileId] });
    }
    seenProcessing.current = processing;
  }, [processing, fileId, queryClient]);
  const recorded = () => {
    void queryClient.invalidateQueries({ queryKey: ["file-versions", fileId] });
    void queryClient.invalidateQueries({ queryKey: ["file-trail", fileId] });
  };

  return (
    <section className="card stack" aria-labelledby="versions-h" data-testid="file-versions">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="versions-h" style={{ margin: 0 }}>Versions</h2>
        {canWrite && (
          <button type="button" className="btn btn-sm" onClick={() => setUploading((u) => !u)} aria-expanded={uploading}>
            {uploading ? "Close uploader" : "Upload new version"}
          </button>
        )}
      </div>
      {uploading && <VersionUploader fileId={fileId} limits={limits} onRecorded={recorded} />}
      {query.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading versions…</span></div>
      ) : query.isError ? (
        <Alert>Could not load the versions: {query.error.message}</Alert>
      ) : query.data.versions.length === 0 ? (
        <p className="muted">No versions.</p>
      ) : (
        <ol className="version-list" reversed>
          {query.data.versions.map((v) => (
            <li key={v.version} className="version-item" data-testid={`version-${v.version}`} aria-current={v.current ? "true" : undefined}>
              <div className="row" style={{ justifyContent: "space-between" }}>
                <span className="row">
                  <strong>v{v.version}</strong>
                  {v.current && <span className="badge badge-ready">current</span>}
                  {v.status !== "ready" && <StatusBadge status={v.status} />}
                </span>
                <span className="row">
                  {/* An archived file's versions download only while it is retrieved (the panel above links it). */}
                  {v.status === "ready" && !archived && (
                    <a className="btn btn-sm" href={`/api/v1/files/${fileId}/download?version=${v.version}`} download aria-label={`Download version ${v.version}`}>
                      Download
                    </a>
                  )}
                  {canWrite && v.status === "ready" && !v.current && <RestoreButton fileId={fileId} version={v} />}
                </span>
              </div>
              <div className="muted version-meta">
                {formatBytes(v.size)} · {v.uploadedBy.name} · {new Date(v.createdAt).toLocaleString()}
                {v.restoredFrom !== null && <> · restored from v{v.restoredFrom}</>}
              </div>
              {v.checksum && <div className="mono version-meta muted" title="SHA-256">{v.checksum}</div>}
              {v.statusReason && <div className="version-meta media-reason" style={{ whiteSpace: "normal" }}>{v.statusReason}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
