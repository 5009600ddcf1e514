"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/feedback";
import { formatBytes } from "@/lib/format";
import { downloadZip, runBulk, type BulkAction } from "./bulk-actions";
import type { FileSummary } from "./types";

interface Progress {
  label: string;
  done: number;
  total: number;
  unit: "files" | "bytes";
}
interface Report {
  kind: "success" | "error" | "info";
  text: string;
  failures: { name: string; message: string }[];
}

const plural = (n: number) => `${n} file${n === 1 ? "" : "s"}`;

const VERBS: Record<BulkAction, [doing: string, done: (n: number) => string]> = {
  tag: ["Tagging", (n) => `Tagged ${plural(n)}`],
  untag: ["Removing the tag from", (n) => `Removed the tag from ${plural(n)}`],
  category: ["Setting the category of", (n) => `Set the category of ${plural(n)}`],
  delete: ["Moving to the trash", (n) => `Moved ${plural(n)} to the trash`],
  restore: ["Restoring", (n) => `Restored ${plural(n)}`],
};

/**
 * The bar under a selection: tag, untag, categorise, move to the trash or restore (in the trash view), and
 * download as one ZIP; with progress while it runs and, after, which files failed and why. The report stays
 * when the action emptied the selection (every file moved to the trash), until dismissed.
 */
export function BulkBar({ selected, trashed, onClear, onDrop }: { selected: Map<string, FileSummary>; trashed: boolean; onClear: () => void; onDrop: (ids: string[]) => void }) {
  const queryClient = useQueryClient();
  const [tag, setTag] = useState("");
  const [category, setCategory] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const busy = progress !== null;
  const ids = [...selected.keys()];
  const nameOf = (id: string) => selected.get(id)?.filename ?? id;

  async function run(action: BulkAction, extra: { tags?: string[]; category?: string } = {}) {
    setConfirming(false);
    setReport(null);
    const [doing, done] = VERBS[action];
    setProgress({ label: doing, done: 0, total: ids.length, unit: "files" });
    const results = await runBulk(action, ids, extra, (n) => setProgress({ label: doing, done: n, total: ids.length, unit: "files" }));
    setProgress(null);
    const failures = results.filter((r) => !r.ok).map((r) => ({ name: nameOf(r.id), message: r.error?.message ?? "Failed." }));
    const succeeded = results.filter((r) => r.ok);
    setReport({
      kind: failures.length === 0 ? "success" : succeeded.length === 0 ? "error" : "info",
      text: `${done(succeeded.length)}${failures.length ? `; ${failures.length} failed:` : "."}`,
      failures,
    });
    // Files that left the view (moved to or from the trash) or are gone are no longer selectable.
    const left = action === "delete" || action === "restore" ? succeeded.map((r) => r.id) : [];
    onDrop([...left, ...results.filter((r) => r.error?.code === "not_found").map((r) => r.id)]);
    await queryClient.invalidateQueries({ queryKey: ["files"] });
  }

  async function download() {
    setReport(null);
    setProgress({ label: "Downloading", done: 0, total: 0, unit: "bytes" });
    try {
      const { entries, skipped } = await downloadZip(ids, (done, total) => setProgress({ label: "Downloading", done, total, unit: "bytes" }));
      setReport({
        kind: skipped.length ? "info" : "success",
        text: `Downloaded ${plural(entries)} as one ZIP${skipped.length ? `; ${skipped.length} left out (not ready, or no longer there):` : "."}`,
        failures: skipped.map((id) => ({ name: nameOf(id), message: selected.get(id) ? `status ${selected.get(id)!.status}` : "not found" })),
      });
    } catch (err) {
      setReport({ kind: "error", text: (err as Error).message, failures: [] });
    } finally {
      setProgress(null);
    }
  }

  const submitTag = (action: "tag" | "untag") => (e?: FormEvent) => {
    e?.preventDefault();
    if (tag.trim()) void run(action, { tags: [tag.trim()] });
  };
  const submitCategory = (e: FormEvent) => {
    e.preventDefault();
    if (category.trim()) void run("category", { category: category.trim() });
  };

  if (selected.size === 0 && !report && !busy) return null;
  const picking = selected.size > 0;
  return (
    <section className="card bulk-bar" aria-label="Bulk actions" data-testid="bulk-bar">
      {picking && (
        <div className="bulk-bar-head">
          <strong aria-live="polite">{plural(selected.size)} selected</strong>
          <button className="btn btn-sm btn-ghost" onClick={onClear} disabled={busy}>Clear selection</button>
        </div>
      )}
      {picking && !trashed && (
        <div className="bulk-bar-actions">
          <form className="bulk-field" onSubmit={submitTag("tag")}>
            <label className="sr-only" htmlFor="bulk-tag">Tag</label>
            <input id="bulk-tag" className="input" placeholder="Tag" maxLength={64} value={tag} onChange={(e) => setTag(e.target.value)} disabled={busy} />
            <button className="btn" type="submit" disabled={busy || !tag.trim()}>Add tag</button>
            <button className="btn" type="button" onClick={() => submitTag("untag")()} disabled={busy || !tag.trim()}>Remove tag</button>
          </form>
          <form className="bulk-field" onSubmit={submitCategory}>
            <label className="sr-only" htmlFor="bulk-category">Category</label>
            <input id="bulk-category" className="input" placeholder="Category" maxLength={64} value={category} onChange={(e) => setCategory(e.target.value)} disabled={busy} />
            <button className="btn" type="submit" disabled={busy || !category.trim()}>Set category</button>
          </form>
          <div className="row">
            <button className="btn" onClick={download} disabled={busy}>Download ZIP</button>
            {!confirming ? (
              <button className="btn btn-danger" onClick={() => setConfirming(true)} disabled={busy}>Move to trash</button>
            ) : (
              <span className="row" role="group" aria-label="Confirm move to trash">
                <span className="muted">Move {plural(selected.size)} to the trash?</span>
                <button className="btn btn-danger" onClick={() => run("delete")} autoFocus>Yes, move</button>
                <button className="btn" onClick={() => setConfirming(false)}>Cancel</button>
              </span>
            )}
          </div>
        </div>
      )}
      {picking && trashed && (
        <div className="bulk-bar-actions">
          <button className="btn btn-primary" onClick={() => run("restore")} disabled={busy}>Restore</button>
        </div>
      )}
      {progress && (
        <div className="bulk-progress" role="status">
          <span>
            {progress.label} {progress.unit === "files"
              ? `${progress.done} of ${plural(progress.total)}…`
              : `${formatBytes(progress.done)}${progress.total ? ` of ${formatBytes(progress.total)}` : ""}…`}
          </span>
          <progress max={progress.total || undefined} value={progress.total ? progress.done : undefined} aria-label={progress.label} />
        </div>
      )}
      {report && (
        <Alert kind={report.kind}>
          <div className="bulk-report-head">
            <span>{report.text}</span>
            <button className="btn btn-sm btn-ghost" onClick={() => setReport(null)}>Dismiss</button>
          </div>
          {report.failures.length > 0 && (
            <ul className="bulk-failures">
              {report.failures.slice(0, 20).map((f, i) => <li key={i}><strong>{f.name}</strong>: {f.message}</li>)}
              {report.failures.length > 20 && <li>…and {report.failures.length - 20} more</li>}
            </ul>
          )}
        </Alert>
      )}
    </section>
  );
}
