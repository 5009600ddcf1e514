"use client";

import Uppy, { type Meta } from "@uppy/core";
import Dashboard from "@uppy/react/dashboard";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { apiFetch, ApiRequestError } from "@/components/ui/api";
import { Alert } from "@/components/ui/feedback";
import { formatBytes } from "@/lib/format";
import { ParallelS3Upload, type ResumePoint } from "./parallel-s3-upload";
import { fileFingerprint, findRememberedUpload, forgetUpload, rememberedUploads, rememberUpload, type RememberedUpload } from "./upload-resume";
import "@uppy/core/css/style.min.css";
import "@uppy/dashboard/css/style.min.css";

export interface UploadLimits {
  maxFileBytes: number;
  multipartThresholdBytes: number;
  partBytes: number;
  allowedTypes: string[];
}

interface FileMeta extends Meta {
  category?: string;
  tags?: string;
  eventId?: string;
  uploadSessionId?: string;
  objectKey?: string;
}

interface CreatedSession { uploadId: string; key: string; mode: "single" | "multipart"; expiresAt: string }
interface StoredParts { uploadId: string; key: string; s3UploadId: string | null; parts: ResumePoint["parts"]; size: number; partSize: number }
interface CompletedUpload { fileId: string; filename: string; version?: number }

/**
 * Reserves an upload with the app, lets Uppy send the bytes straight to S3 through presigned
 * requests, then asks the app to verify and record the file. With `fileId`, each upload is a new
 * version of that file (one at a time; it keeps the file's category and tags).
 */
export function createUppy(limits: UploadLimits, onRecorded: (f: CompletedUpload) => void, target: { fileId?: string } = {}) {
  const uppy = new Uppy<FileMeta, Record<string, never>>({
    restrictions: { maxFileSize: limits.maxFileBytes, allowedFileTypes: limits.allowedTypes, maxNumberOfFiles: target.fileId ? 1 : null },
    meta: { category: "", tags: "", eventId: "" },
  });
  // Parts an earlier page stored, by Uppy file id, for the uploader to skip.
  const resumePoints = new Map<string, ResumePoint>();
  uppy.use(ParallelS3Upload<FileMeta, Record<string, never>>, {
    shouldUseMultipart: (file) => (file.size ?? 0) > limits.multipartThresholdBytes,
    partBytes: limits.partBytes,
    // Four parts of one file at a time reach S3's throughput; six requests in all is what a browser
    // opens to one host. Each part costs one signing request, well inside the upload rate limit.
    partsPerFile: 4,
    requestsInFlight: 6,
    objectKey: (file) => file.meta.objectKey ?? "",
    signRequest: (request) => apiFetch("/api/uploads/sign", { method: "POST", json: request }),
    resumeFrom: (file) => resumePoints.get(file.id),
  });
  /** The same file was being uploaded when an earlier page went away: carry on with its session and stored parts. */
  const resume = async (id: string, remembered: RememberedUpload): Promise<boolean> => {
    try {
      const stored = await apiFetch<StoredParts>(`/api/uploads/${remembered.uploadId}/parts`);
      if (stored.s3UploadId) resumePoints.set(id, { s3UploadId: stored.s3UploadId, parts: stored.parts });
      uppy.setFileMeta(id, { uploadSessionId: stored.uploadId, objectKey: stored.key });
      if (stored.parts.length) uppy.info(`${remembered.filename}: resuming, ${stored.parts.length} of ${Math.ceil(stored.size / stored.partSize)} parts already stored`, "info", 5000);
      return true;
    } catch {
      // Completed, cancelled or expired meanwhile: start afresh.
      forgetUpload(remembered.uploadId);
      return false;
    }
  };
  uppy.addPreProcessor(async (fileIDs) => {
    await Promise.all(
      fileIDs.map(async (id) => {
        const file = uppy.getFile(id);
        if (!file || file.meta.uploadSessionId) return;
        const fingerprint = fileFingerprint(file);
        const remembered = findRememberedUpload(fingerprint);
        if (remembered && (await resume(id, remembered))) return;
        try {
          const session = await apiFetch<CreatedSession>("/api/uploads", {
            method: "POST",
            json: {
              fileId: target.fileId,
              filename: file.name,
              size: file.size,
              mimeType: file.type,
              category: (!target.fileId && file.meta.category?.trim()) || undefined,
              tags: !target.fileId && file.meta.tags ? file.meta.tags.split(",").map((t) => t.trim()).filter(Boolean) : undefined,
              eventId: (!target.fileId && file.meta.eventId?.trim()) || undefined,
            },
          });
          uppy.setFileMeta(id, { uploadSessionId: session.uploadId, objectKey: session.key });
          rememberUpload({ fingerprint, uploadId: session.uploadId, key: session.key, filename: file.name ?? "", size: file.size ?? 0, expiresAt: session.expiresAt });
        } catch (err) {
          uppy.emit("upload-error", file, err as Error);
          uppy.removeFile(id);
          uppy.info(`${file.name}: ${(err as Error).message}`, "error", 8000);
        }
      }),
    );
  });
  uppy.addPostProcessor(async (fileIDs) => {
    await Promise.all(
      fileIDs.map(async (id) => {
        const file = uppy.getFile(id);
        if (!file?.meta.uploadSessionId || file.error) return;
        try {
          onRecorded(await apiFetch<CompletedUpload>(`/api/uploads/${file.meta.uploadSessionId}/complete`, { method: "POST" }));
          forgetUpload(file.meta.uploadSessionId);
        } catch (err) {
          if (err instanceof ApiRequestError && err.status === 404) forgetUpload(file.meta.uploadSessionId);
          uppy.info(`${file.name}: ${(err as Error).message}`, "error", 8000);
        }
      }),
    );
  });
  uppy.on("file-removed", (file) => {
    // A cancelled upload releases its reservation and whatever bytes reached storage.
    if (file) resumePoints.delete(file.id);
    if (file?.meta.uploadSessionId && !file.progress?.uploadComplete) {
      forgetUpload(file.meta.uploadSessionId);
      void apiFetch(`/api/uploads/${file.meta.uploadSessionId}`, { method: "DELETE" }).catch(() => {});
    }
  });
  return uppy;
}

/** Uploads an earlier page left unfinished: adding the same file again resumes one, Discard gives its space back. */
function InterruptedUploads({ uppy }: { uppy: Uppy<FileMeta, Record<string, never>> }) {
  const [list, setList] = useState<RememberedUpload[]>([]);
  useEffect(() => {
    // localStorage exists only in the browser, so this is read after hydration.
    const refresh = () => {
      const inThisPage = new Set(uppy.getFiles().map(fileFingerprint));
      setList(rememberedUploads().filter((u) => !inThisPage.has(u.fingerprint)));
    };
    refresh();
    uppy.on("complete", refresh);
    uppy.on("file-added", refresh);
    uppy.on("file-removed", refresh);
    return () => {
      uppy.off("complete", refresh);
      uppy.off("file-added", refresh);
      uppy.off("file-removed", refresh);
    };
  }, [uppy]);
  if (list.length === 0) return null;
  const discard = (u: RememberedUpload) => {
    forgetUpload(u.uploadId);
    setList((l) => l.filter((x) => x.uploadId !== u.uploadId));
    void apiFetch(`/api/uploads/${u.uploadId}`, { method: "DELETE" }).catch(() => {});
  };
  return (
    <Alert kind="info">
      <div className="stack" style={{ gap: 6 }} data-testid="interrupted-uploads">
        <span>{list.length === 1 ? "An upload was" : `${list.length} uploads were`} interrupted. Add the same file again to resume where it stopped.</span>
        {list.map((u) => (
          <span key={u.uploadId} className="row">
            <strong style={{ wordBreak: "break-all" }}>{u.filename}</strong>
            <span className="muted">{formatBytes(u.size)}</span>
            <button type="button" className="btn btn-sm" onClick={() => discard(u)} aria-label={`Discard the interrupted upload of ${u.filename}`}>Discard</button>
          </span>
        ))}
      </div>
    </Alert>
  );
}

export function Uploader({ limits }: { limits: UploadLimits }) {
  const queryClient = useQueryClient();
  const [recorded, setRecorded] = useState<CompletedUpload[]>([]);
  // Created once per page and not destroyed in an effect cleanup: React's dev double-mount would leave
  // the Dashboard holding a destroyed instance.
  const [uppy] = useState(() =>
    createUppy(limits, (f) => {
      setRecorded((list) => [f, ...list]);
      void queryClient.invalidateQueries({ queryKey: ["files"] });
    }),
  );

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Upload</h1>
          <p>
            Images and videos up to {formatBytes(limits.maxFileBytes)} each. Files above {formatBytes(limits.multipartThresholdBytes)} go in{" "}
            {formatBytes(limits.partBytes)} parts and can be paused and resumed.
          </p>
        </div>
        <Link className="btn" href="/files">Go to files</Link>
      </div>
      <InterruptedUploads uppy={uppy} />
      <Dashboard
        uppy={uppy}
        width="100%"
        height={420}
        proudlyDisplayPoweredByUppy={false}
        note={`Images and videos, up to ${formatBytes(limits.maxFileBytes)} each`}
        metaFields={[
          { id: "category", name: "Category", placeholder: "e.g. entrance" },
          { id: "tags", name: "Tags", placeholder: "comma,separated" },
          { id: "eventId", name: "Event", placeholder: "counting event id (optional)" },
        ]}
      />
      {recorded.length > 0 && (
        <section className="card" aria-live="polite" aria-labelledby="done-h">
          <h2 id="done-h">Uploaded</h2>
          <ul style={{ margin: 0, paddingLeft: 18 }} data-testid="uploaded-list">
            {recorded.map((f) => (
              <li key={f.fileId}><Link href={`/files/${f.fileId}`}>{f.filename}</Link></li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
