import { BasePlugin, EventManager, type Body, type Meta, type PluginOpts, type Uppy, type UppyFile } from "@uppy/core";

/** One S3 request to presign, as `/api/uploads/sign` takes it. */
export interface SignableRequest {
  method: "PUT" | "POST";
  key: string;
  uploadId?: string;
  partNumber?: number;
}

export interface ParallelS3UploadOptions<M extends Meta, B extends Body> extends PluginOpts {
  signRequest: (request: SignableRequest) => Promise<{ url: string; headers?: Record<string, string> }>;
  objectKey: (file: UppyFile<M, B>) => string;
  shouldUseMultipart: (file: UppyFile<M, B>) => boolean;
  partBytes: number;
  /** Parts of one file in flight at once. */
  partsPerFile: number;
  /** Requests to S3 in flight at once across all files (browsers open 6 connections per host). */
  requestsInFlight: number;
  /** Where an earlier page left this file's multipart upload: its S3 upload id and the parts already stored. */
  resumeFrom?: (file: UppyFile<M, B>) => ResumePoint | undefined;
}

export interface ResumePoint {
  s3UploadId: string;
  parts: { partNumber: number; etag: string }[];
}

interface MultipartState { uploadId?: string; etags: (string | undefined)[]; sent: number[] }

/** A refusal from storage itself, with its HTTP status (0: the connection failed). */
class StorageError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

// Storage answers some requests with a passing failure (5xx, a dropped connection): those are signed and sent
// again after these pauses before the file fails.
const RETRY_DELAYS_MS = [1000, 3000, 5000];
const retryable = (err: unknown) => err instanceof StorageError && (err.status === 0 || err.status >= 500);

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new DOMException("Aborted", "AbortError"));
    }, { once: true });
  });
}

async function withRetries<T>(signal: AbortSignal, attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (signal.aborted || n >= RETRY_DELAYS_MS.length || !retryable(err)) throw err;
      await pause(RETRY_DELAYS_MS[n], signal);
    }
  }
}

/**
 * Sends each file straight to S3 through presigned requests, the parts of a multipart upload several at a
 * time. @uppy/aws-s3 v6 uploads one file's parts one after another (its `limit` counts files), which caps
 * a single large upload at one part's round trip at a time.
 */
export class ParallelS3Upload<M extends Meta, B extends Body> extends BasePlugin<ParallelS3UploadOptions<M, B>, M, B> {
  /** Kept across a failure, so a retry resumes the same multipart upload (the app binds a session to one). */
  #states = new Map<string, MultipartState>();
  #waiting: (() => void)[] = [];
  #active = 0;

  constructor(uppy: Uppy<M, B>, opts: ParallelS3UploadOptions<M, B>) {
    super(uppy, opts);
    this.type = "uploader";
    this.id = opts.id ?? "ParallelS3Upload";
  }

  install() {
    this.uppy.setState({ capabilities: { ...this.uppy.getState().capabilities, resumableUploads: true } });
    this.uppy.addUploader(this.#upload);
  }

  uninstall() {
    this.uppy.removeUploader(this.#upload);
  }

  #upload = async (fileIDs: string[]) => {
    const files = this.uppy.getFilesByIds(fileIDs).filter((f) => !f.error && !f.progress.uploadComplete);
    this.uppy.emit("upload-start", files);
    await Promise.allSettled(files.map((file) => this.#uploadFile(file)));
  };

  /** Settles when the file is stored, fails, or is removed; pausing aborts the requests in flight, resuming sends what is missing. */
  #uploadFile(file: UppyFile<M, B>): Promise<void> {
    const multipart = this.opts.shouldUseMultipart(file);
    const size = file.size ?? 0;
    const partCount = multipart ? Math.max(1, Math.ceil(size / this.opts.partBytes)) : 1;
    const state = this.#states.get(file.id) ?? this.#initialState(file, multipart, partCount);
    this.#states.set(file.id, state);
    const events = new EventManager(this.uppy);
    let controller: AbortController | undefined;
    return new Promise<void>((resolve) => {
      const finish = () => {
        events.remove();
        resolve();
      };
      const run = async () => {
        controller?.abort();
        const ctrl = (controller = new AbortController());
        try {
          const key = this.opts.objectKey(file);
          if (multipart) await this.#sendMultipart(file, key, state, ctrl.signal);
          else await this.#sendSingle(file, key, state, ctrl.signal);
          if (ctrl.signal.aborted) return;
          this.#states.delete(file.id);
          this.uppy.emit("upload-success", this.uppy.getFile(file.id), { status: 200, body: { key } as unknown as B, uploadURL: key });
          finish();
        } catch (err) {
          if (ctrl.signal.aborted) return;
          this.uppy.emit("upload-error", this.uppy.getFile(file.id), err as Error);
          finish();
        }
      };
      const stop = () => controller?.abort();
      const drop = () => {
        stop();
        this.#states.delete(file.id);
        finish();
      };
      events.onFileRemove(file.id, drop);
      events.onCancelAll(file.id, drop);
      events.onFilePause(file.id, (paused) => (paused ? stop() : void run()));
      events.onPauseAll(file.id, stop);
      events.onResumeAll(file.id, () => void run());
      void run();
    });
  }

  /** A fresh start, or the parts an earlier page already stored (they are not sent again). */
  #initialState(file: UppyFile<M, B>, multipart: boolean, partCount: number): MultipartState {
    const state: MultipartState = { etags: new Array<string | undefined>(partCount).fill(undefined), sent: new Array<number>(partCount).fill(0) };
    const resume = multipart ? this.opts.resumeFrom?.(file) : undefined;
    if (!resume) return state;
    state.uploadId = resume.s3UploadId;
    const size = file.size ?? 0;
    for (const part of resume.parts) {
      const i = part.partNumber - 1;
      if (i < 0 || i >= partCount) continue;
      state.etags[i] = part.etag;
      state.sent[i] = Math.min(this.opts.partBytes, size - i * this.opts.partBytes);
    }
    return state;
  }

  async #sendSingle(file: UppyFile<M, B>, key: string, state: MultipartState, signal: AbortSignal) {
    const signed = await this.opts.signRequest({ method: "PUT", key });
    await this.#put(signed, file.data as Blob, signal, (n) => this.#progress(file, state, 0, n));
  }

  async #sendMultipart(file: UppyFile<M, B>, key: string, state: MultipartState, signal: AbortSignal) {
    if (!state.uploadId) {
      const created = await this.opts.signRequest({ method: "POST", key });
      const xml = await this.#fetchXml(created.url, { method: "POST", headers: created.headers, signal });
      state.uploadId = xml.querySelector("UploadId")?.textContent ?? undefined;
      if (!state.uploadId) throw new Error("Storage did not start the multipart upload.");
    }
    const uploadId = state.uploadId;
    const pending = state.etags.flatMap((etag, i) => (etag ? [] : [i]));
    const worker = async () => {
      for (let i = pending.shift(); i !== undefined && !signal.aborted; i = pending.shift()) {
        const start = i * this.opts.partBytes;
        const part = (file.data as Blob).slice(start, Math.min(start + this.opts.partBytes, file.size ?? 0));
        state.etags[i] = await withRetries(signal, async () => {
          const signed = await this.opts.signRequest({ method: "PUT", key, uploadId, partNumber: i + 1 });
          return this.#put(signed, part, signal, (n) => this.#progress(file, state, i, n));
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.partsPerFile, pending.length) }, worker));
    signal.throwIfAborted();
    const body = `<CompleteMultipartUpload>${state.etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
    await withRetries(signal, async (attempt) => {
      const completion = await this.opts.signRequest({ method: "POST", key, uploadId });
      try {
        await this.#fetchXml(completion.url, { method: "POST", body, headers: { "content-type": "application/xml" }, signal });
      } catch (err) {
        // The multipart upload is gone after a completion that answered 5xx: that completion went through.
        // The app checks the stored object's size before it records the file, so a wrong guess here fails there.
        if (attempt > 0 && err instanceof StorageError && err.status === 404) return;
        throw err;
      }
    });
  }

  #progress(file: UppyFile<M, B>, state: MultipartState, part: number, bytes: number) {
    state.sent[part] = bytes;
    const current = this.uppy.getFile(file.id);
    if (!current) return;
    const bytesUploaded = state.sent.reduce((a, b) => a + b, 0);
    this.uppy.emit("upload-progress", current, { uploadStarted: current.progress.uploadStarted ?? Date.now(), bytesUploaded, bytesTotal: file.size ?? 0 });
  }

  /** S3 answers some failures with 200 and an <Error> body (CompleteMultipartUpload), so the body is checked too. */
  async #fetchXml(url: string, init: RequestInit): Promise<Document> {
    const res = await this.#slot(() => fetch(url, init)).catch((err) => {
      throw init.signal?.aborted ? err : new StorageError(0, "The request to storage failed (network error).");
    });
    const doc = new DOMParser().parseFromString(await res.text(), "application/xml");
    const error = doc.querySelector("Error > Message")?.textContent;
    if (!res.ok || error) throw new StorageError(res.ok ? 500 : res.status, `Storage refused the request (${res.status}${error ? `: ${error}` : ""}).`);
    return doc;
  }

  /** A PUT with upload progress (fetch has none); resolves to the part's ETag. */
  #put(signed: { url: string; headers?: Record<string, string> }, data: Blob, signal: AbortSignal, onProgress: (bytes: number) => void): Promise<string> {
    return this.#slot(
      () =>
        new Promise<string>((resolve, reject) => {
          const xhr = new XMLHttpRequest();
          xhr.open("PUT", signed.url);
          for (const [name, value] of Object.entries(signed.headers ?? {})) xhr.setRequestHeader(name, value);
          xhr.upload.onprogress = (e) => onProgress(e.loaded);
          xhr.onload = () => {
            if (xhr.status >= 200 && xhr.status < 300) {
              onProgress(data.size);
              resolve(xhr.getResponseHeader("ETag") ?? "");
            } else reject(new StorageError(xhr.status, `Storage refused the upload (${xhr.status}).`));
          };
          xhr.onerror = () => reject(new StorageError(0, "The upload to storage failed (network error)."));
          const abort = () => xhr.abort();
          xhr.onabort = () => reject(new DOMException("Aborted", "AbortError"));
          xhr.onloadend = () => signal.removeEventListener("abort", abort);
          signal.addEventListener("abort", abort);
          if (signal.aborted) return reject(new DOMException("Aborted", "AbortError"));
          xhr.send(data);
        }),
    );
  }

  /** Waits for one of the `requestsInFlight` places, runs `fn`, and frees the place. */
  async #slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.opts.requestsInFlight) await new Promise<void>((r) => this.#waiting.push(r));
    else this.#active++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
