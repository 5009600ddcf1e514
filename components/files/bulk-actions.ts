"use client";

import { apiFetch } from "@/components/ui/api";

export type BulkAction = "tag" | "untag" | "category" | "delete" | "restore";
export interface BulkItemResult {
  id: string;
  ok: boolean;
  changed?: boolean;
  error?: { code: string; message: string };
}

/** Ids per request: small enough that the progress bar moves on a large selection. */
const CHUNK = 100;

/**
 * `POST /api/v1/files/bulk` over the ids in chunks, reporting how many are done after each. A chunk whose
 * request fails as a whole (network, rate limit) marks its ids and the rest as failed with that reason.
 */
export async function runBulk(
  action: BulkAction,
  ids: string[],
  extra: { tags?: string[]; category?: string },
  onProgress: (done: number) => void,
): Promise<BulkItemResult[]> {
  const results: BulkItemResult[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    try {
      const res = await apiFetch<{ results: BulkItemResult[] }>("/api/v1/files/bulk", { method: "POST", json: { action, ids: chunk, ...extra } });
      results.push(...res.results);
    } catch (err) {
      const error = { code: "request_failed", message: (err as Error).message };
      results.push(...ids.slice(i).map((id) => ({ id, ok: false, error })));
      break;
    } finally {
      onProgress(Math.min(results.length, ids.length));
    }
  }
  return results;
}

/**
 * `POST /api/v1/files/bulk-download`, read as it arrives (progress from Content-Length), then saved under
 * the server's file name. Returns how many files went in and which ids the server left out.
 */
export async function downloadZip(ids: string[], onProgress: (received: number, total: number) => void): Promise<{ entries: number; skipped: string[] }> {
  const res = await fetch("/api/v1/files/bulk-download", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ids }) });
  if (!res.ok || !res.body) {
    const body = await res.json().catch(() => null);
    throw new Error(body?.error?.message ?? `The download failed (${res.status}).`);
  }
  const total = Number(res.headers.get("content-length") ?? 0);
  const reader = res.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value as Uint8Array<ArrayBuffer>);
    received += value.byteLength;
    onProgress(received, total);
  }
  if (total && received !== total) throw new Error("The download was cut short; try again.");
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "framevault-files.zip";
  const url = URL.createObjectURL(new Blob(chunks, { type: "application/zip" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  const skipped = res.headers.get("x-framevault-skipped");
  return { entries: Number(res.headers.get("x-framevault-zip-entries") ?? 0), skipped: skipped ? skipped.split(",") : [] };
}
