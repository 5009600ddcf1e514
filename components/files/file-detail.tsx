"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch, ApiRequestError } from "@/components/ui/api";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import { RetrievePanel } from "@/components/archive/retrieve-panel";
import { TierBadge } from "@/components/archive/tier-badge";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatBytes } from "@/lib/format";
import { FileEditForm } from "./file-edit-form";
import { FileLifecycleLine } from "./file-lifecycle-line";
import { FileTrail } from "./file-trail";
import { FileVersions } from "./file-versions";
import type { FileDetail } from "./types";
import type { UploadLimits } from "./uploader";

/** A URL of the app's own API as a path, so it works at whatever origin the page is served from. */
function localPath(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

function Viewer({ file }: { file: FileDetail }) {
  const original = `/api/v1/files/${file.fileId}/download?disposition=inline`;
  const variant = (name: string) => file.variants.find((v) => v.name === name);
  if (file.status === "processing") {
    return <div className="viewer" style={{ color: "#fff" }}><p>Checking the file (virus scan, previews)…</p></div>;
  }
  if (file.status !== "ready") {
    return <div className="viewer" style={{ color: "#fff" }}><p>Preview unavailable: this file is {file.status}.</p></div>;
  }
  if (file.mimeType.startsWith("image/")) {
    // The ~1600 px WebP preview where processing could make one; the original otherwise.
    const preview = variant("preview");
    // eslint-disable-next-line @next/next/no-img-element -- authorised API bytes
    return <div className="viewer"><img src={preview ? localPath(preview.url) : original} alt={file.filename} data-testid="image-viewer" /></div>;
  }
  if (file.mimeType.startsWith("video/")) {
    const poster = variant("poster");
    // An archived clip's original is not served until retrieved: its poster frame stays hot.
    if (file.storageClass !== "STANDARD" && poster) {
      // eslint-disable-next-line @next/next/no-img-element -- authorised API bytes
      return <div className="viewer"><img src={localPath(poster.url)} alt={`${file.filename} (archived)`} data-testid="image-viewer" /></div>;
    }
    return <div className="viewer"><video src={original} poster={poster ? localPath(poster.url) : undefined} controls preload="metadata" data-testid="video-player" /></div>;
  }
  return <div className="viewer" style={{ color: "#fff" }}><p>No preview for {file.mimeType}.</p></div>;
}

/** What processing read from the content: EXIF for photos, ffprobe facts for clips. */
function MediaFacts({ media }: { media: NonNullable<FileDetail["media"]> }) {
  const rows: [string, string][] = [];
  if (media.width && media.height) rows.push(["Dimensions", `${media.width} × ${media.height}`]);
  if (media.durationSeconds !== undefined) rows.push(["Duration", `${media.durationSeconds.toFixed(1)} s`]);
  if (media.videoCodec) rows.push(["Video codec", media.videoCodec]);
  if (media.audioCodec) rows.push(["Audio codec", media.audioCodec]);
  if (media.cameraMake || media.cameraModel) rows.push(["Camera", [media.cameraMake, media.cameraModel].filter(Boolean).join(" ")]);
  if (media.capturedAt) rows.push(["Taken", new Date(media.capturedAt).toLocaleString()]);
  if (media.orientation && media.orientation !== 1) rows.push(["Orientation", `EXIF ${media.orientation} (shown upright)`]);
  if (media.gps) rows.push(["Location", `${media.gps.lat.toFixed(5)}, ${media.gps.lon.toFixed(5)}`]);
  if (media.format) rows.push(["Format", media.format]);
  if (media.unreadable) rows.push(["Note", `No preview: the content could not be decoded (${media.unreadable})`]);
  return (
    <section className="card" aria-labelledby="media-h" data-testid="media-facts">
      <h2 id="media-h">{media.kind === "video" ? "Video" : "Photo"}</h2>
      <dl className="dl">
        {rows.map(([k, v]) => (
          <div key={k} style={{ display: "contents" }}><dt>{k}</dt><dd>{v}</dd></div>
        ))}
      </dl>
    </section>
  );
}

export function FileDetailView({ id, limits, canWrite }: { id: string; limits: UploadLimits; canWrite: boolean }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const query = useQuery({
    queryKey: ["file", id],
    queryFn: () => apiFetch<FileDetail>(`/api/v1/files/${id}`),
    refetchInterval: (q) => (q.state.data?.status === "processing" ? 2000 : false),
    retry: (count, err) => !(err instanceof ApiRequestError && err.status < 500) && count < 2,
  });
  const remove = useMutation({
    mutationFn: () => apiFetch<{ message: string }>(`/api/v1/files/${id}`, { method: "DELETE" }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["files"] });
      router.push("/files");
    },
  });

  if (query.isPending) return <div className="row"><Spinner /> <span className="muted">Loading file…</span></div>;
  if (query.isError) {
    const missing = query.error instanceof ApiRequestError && query.error.status === 404;
    return missing ? (
      <EmptyState title="File not found" action={<Link className="btn" href="/files">Back to files</Link>}>
        It may have been deleted, or it is not yours to see.
      </EmptyState>
    ) : (
      <Alert>Could not load the file: {query.error.message}</Alert>
    );
  }
  const file = query.data;
  // Only files that passed processing are served (the API refuses the rest with a 409).
  const servable = file.status === "ready";
  const archived = file.storageClass !== "STANDARD";
  const missing = file.versions.some((v) => v.current && v.missing);
  return (
    <div className="stack">
      <div className="page-header">
        <div style={{ minWidth: 0 }}>
          <Link href="/files" className="muted">← Files</Link>
          <h1 style={{ wordBreak: "break-all" }}>{file.filename}</h1>
          {file.legalHold && <span className="badge badge-hold" data-testid="legal-hold-badge" title="Under legal hold: it cannot be deleted or archived until an admin lifts the hold">Legal hold</span>}
        </div>
        <div className="row">
          {canWrite && !editing && <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="edit-file">Edit</button>}
          {servable && !archived && !missing && <a className="btn btn-primary" href={`/api/v1/files/${file.fileId}/download`} download data-testid="download">Download</a>}
          {!confirming ? (
            <button className="btn btn-danger" onClick={() => setConfirming(true)} disabled={file.legalHold} title={file.legalHold ? "Under legal hold" : undefined}>Delete</button>
          ) : (
            <span className="row" role="group" aria-label="Confirm delete">
              <span className="muted">Move to trash?</span>
              <button className="btn btn-danger" onClick={() => remove.mutate()} disabled={remove.isPending} autoFocus>
                {remove.isPending ? "Deleting…" : "Yes, delete"}
              </button>
              <button className="btn" onClick={() => setConfirming(false)}>Cancel</button>
            </span>
          )}
        </div>
      </div>
      {remove.isError && <Alert>Could not delete: {remove.error.message}</Alert>}
      {file.statusReason && <Alert kind={file.status === "ready" ? "info" : "error"}>{file.statusReason}</Alert>}
      {missing && <Alert>This file&apos;s stored content is missing from storage (found by reconciliation); it cannot be downloaded until an administrator restores it.</Alert>}
      {archived && <RetrievePanel fileId={file.fileId} storageClass={file.storageClass} archivedAt={file.archivedAt} rule={file.archiveRule} />}
      <div className="detail">
        <Viewer file={file} />
        <div className="stack">
          <section className="card" aria-labelledby="info-h">
            <h2 id="info-h">{editing ? "Edit details" : "Details"}</h2>
            {editing ? <FileEditForm file={file} onDone={() => setEditing(false)} /> : (
            <dl className="dl">
              <dt>Status</dt><dd><StatusBadge status={file.status} /></dd>
              <dt>Storage</dt><dd data-testid="storage-class">{archived ? <TierBadge storageClass={file.storageClass} /> : "Standard"}</dd>
              <dt>Lifecycle</dt><dd><FileLifecycleLine fileId={file.fileId} /></dd>
              <dt>Type</dt><dd>{file.mimeType}</dd>
              <dt>Size</dt><dd>{formatBytes(file.size)} <span className="muted">({file.size.toLocaleString()} bytes)</span></dd>
              <dt>Category</dt><dd>{file.category}</dd>
              <dt>Tags</dt><dd>{file.tags.length ? file.tags.map((t) => <span key={t} className="tag">{t}</span>) : <span className="muted">None</span>}</dd>
              <dt>Uploaded</dt><dd>{new Date(file.uploadedAt).toLocaleString()}</dd>
              <dt>Modified</dt><dd>{new Date(file.lastModified).toLocaleString()}</dd>
              {file.cameraId && (<><dt>Camera</dt><dd>{file.cameraId}</dd></>)}
              {file.siteId && (<><dt>Site</dt><dd>{file.siteId}</dd></>)}
              {file.eventId && (<><dt>Event</dt><dd><Link href={`/events/${encodeURIComponent(file.eventId)}`} data-testid="event-link">{file.eventId}</Link></dd></>)}
              {file.capturedAt && (<><dt>Captured</dt><dd>{new Date(file.capturedAt).toLocaleString()}</dd></>)}
              <dt>SHA-256</dt><dd className="mono">{file.checksum ?? <span className="muted">Computed during processing</span>}</dd>
            </dl>
            )}
          </section>
          {file.media && <MediaFacts media={file.media} />}
          {!editing && Object.keys(file.metadata).length > 0 && (
            <section className="card" aria-labelledby="meta-h">
              <h2 id="meta-h">Metadata</h2>
              <dl className="dl">
                {Object.entries(file.metadata).map(([k, v]) => (
                  <div key={k} style={{ display: "contents" }}><dt>{k}</dt><dd className="mono">{typeof v === "string" ? v : JSON.stringify(v)}</dd></div>
                ))}
              </dl>
            </section>
          )}
          <FileVersions fileId={file.fileId} limits={limits} canWrite={canWrite} archived={archived} />
          <FileTrail fileId={file.fileId} />
        </div>
      </div>
    </div>
  );
}
