"use client";

import Uppy, { type Meta } from "@uppy/core";
import Dashboard from "@uppy/react/dashboard";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { apiFetch } from "@/components/ui/api";
import { formatBytes } from "@/lib/format";
import { ParallelS3Upload } from "./parallel-s3-upload";
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
  uploadSessionId?: string;
  objectKey?: string;
}

interface CreatedSession { uploadId: string; key: string; mode: "single" | "multipart" }
interface CompletedUpload { fileId: string; filename: string; version?: number }

/**
 * Reserves an upload with the app, lets Uppy send the bytes straight to S3 through presigned
 * requests, then asks the app to verify and record the file. With `fileId`, each upload is a new
 * version of that file (one at a time; it keeps the file's category and tags).
 */
export function createUppy(limits: UploadLimits, onRecorded: (f: CompletedUpload) => void, target: { fileId?: string } = {}) {
  const uppy = new Uppy<FileMeta, Record<string, never>>({
    restrictions: { maxFileSize: limits.maxFileBytes, allowedFileTypes: limits.allowedTypes, maxNumberOfFiles: target.fileId ? 1 : null },
    meta: { category: "", tags: "" },
  });
  uppy.use(ParallelS3Upload<FileMeta, Record<string, never>>, {
    shouldUseMultipart: (file) => (file.size ?? 0) > limits.multipartThresholdBytes,
    partBytes: limits.partBytes,
    // Four parts of one file at a time reach S3's throughput; six requests in all is what a browser
    // opens to one host. Each part costs one signing request, well inside the upload rate limit.
    partsPerFile: 4,
    requestsInFlight: 6,
    objectKey: (file) => file.meta.objectKey ?? "",
    signRequest: (request) => apiFetch("/api/uploads/sign", { method: "POST", json: request }),
  });
  uppy.addPreProcessor(async (fileIDs) => {
    await Promise.all(
      fileIDs.map(async (id) => {
        const file = uppy.getFile(id);
        if (!file || file.meta.uploadSessionId) return;
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
            },
          });
          uppy.setFileMeta(id, { uploadSessionId: session.uploadId, objectKey: session.key });
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
        } catch (err) {
          uppy.info(`${file.name}: ${(err as Error).message}`, "error", 8000);
        }
      }),
    );
  });
  uppy.on("file-removed", (file) => {
    // A cancelled upload releases its reservation and whatever bytes reached storage.
    if (file?.meta.uploadSessionId && !file.progress?.uploadComplete) {
      void apiFetch(`/api/uploads/${file.meta.uploadSessionId}`, { method: "DELETE" }).catch(() => {});
    }
  });
  return uppy;
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
      <Dashboard
        uppy={uppy}
        width="100%"
        height={420}
        proudlyDisplayPoweredByUppy={false}
        note={`Images and videos, up to ${formatBytes(limits.maxFileBytes)} each`}
        metaFields={[
          { id: "category", name: "Category", placeholder: "e.g. entrance" },
          { id: "tags", name: "Tags", placeholder: "comma,separated" },
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
