"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { apiFetch } from "@/components/ui/api";
import { Alert } from "@/components/ui/feedback";
import { formatBytes } from "@/lib/format";
import { formatTime } from "./format";
import { RestoreJob, useRestoreJob } from "./restore-job";
import { isRestorable, type BackupSetView, type RestoreScope } from "./types";

type ScopeKind = "files" | "camera" | "site" | "event" | "range" | "all";
const SCOPES: { kind: ScopeKind; label: string }[] = [
  { kind: "files", label: "Files by id" },
  { kind: "camera", label: "A camera" },
  { kind: "site", label: "A site" },
  { kind: "event", label: "A counting event" },
  { kind: "range", label: "Capture time" },
  { kind: "all", label: "Everything" },
];
/** Typed to restore everything: the disaster case, into an empty database and bucket. */
const CONFIRM_ALL = "restore everything";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Draft { kind: ScopeKind; fileIds: string; cameraId: string; siteId: string; eventId: string; from: string; to: string }
const EMPTY: Draft = { kind: "files", fileIds: "", cameraId: "", siteId: "", eventId: "", from: "", to: "" };

/** The request's scope, or what is wrong with the form. */
function toScope(d: Draft): { scope: RestoreScope } | { problem: string } {
  switch (d.kind) {
    case "files": {
      const ids = d.fileIds.split(/[\s,]+/).filter(Boolean);
      if (ids.length === 0) return { problem: "Give at least one file id." };
      const bad = ids.find((id) => !UUID.test(id));
      return bad ? { problem: `"${bad}" is not a file id.` } : { scope: { fileIds: [...new Set(ids.map((i) => i.toLowerCase()))] } };
    }
    case "camera": return d.cameraId.trim() ? { scope: { cameraId: d.cameraId.trim() } } : { problem: "Give a camera id." };
    case "site": return d.siteId.trim() ? { scope: { siteId: d.siteId.trim() } } : { problem: "Give a site id." };
    case "event": return d.eventId.trim() ? { scope: { eventId: d.eventId.trim() } } : { problem: "Give an event id." };
    case "range": {
      if (!d.from || !d.to) return { problem: "Give both ends of the range." };
      const [from, to] = [new Date(d.from), new Date(d.to)];
      if (!(from < to)) return { problem: "The range must end after it starts." };
      return { scope: { capturedFrom: from.toISOString(), capturedTo: to.toISOString() } };
    }
    case "all": return { scope: "all" };
  }
}

const setLabel = (s: BackupSetView) => `${s.type === "full" ? "Full" : "Incremental"} · ${formatTime(s.epochAt ?? s.startedAt)} · ${s.objects.toLocaleString()} objects, ${formatBytes(s.bytesTotal)}`;

/**
 * Restore from a kept set: pick the set and a scope, run the dry run, read what it would change, then restore
 * exactly that (the Restore button stays disabled until a dry run of the same set and scope has completed).
 */
export function RestorePanel({ sets }: { sets: BackupSetView[] }) {
  const restorable = sets.filter(isRestorable);
  const [setId, setSetId] = useState(restorable[0]?.id ?? "");
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirmAll, setConfirmAll] = useState("");
  const [overwriteNewer, setOverwriteNewer] = useState(false);
  const [dryRun, setDryRun] = useState<{ id: string; key: string } | null>(null);
  const [restoreId, setRestoreId] = useState<string | null>(null);
  const ids = { set: useId(), scope: useId(), problem: useId() };
  const chosen = restorable.find((s) => s.id === setId) ?? restorable[0];

  const parsed = toScope(draft);
  const key = chosen && "scope" in parsed ? JSON.stringify([chosen.id, parsed.scope]) : null;
  const dry = useRestoreJob(dryRun?.id ?? null);
  const dryDone = dry.data?.status === "completed" && dryRun?.key === key;
  const newer = dryDone ? (dry.data?.result?.totals.newer ?? 0) : 0;

  const start = useMutation({
    mutationFn: (body: { setId: string; scope: RestoreScope; dryRun: boolean; overwriteNewer?: boolean }) =>
      apiFetch<{ restoreId: string }>(`/api/v1/backups/${body.setId}/restore`, {
        method: "POST",
        json: { scope: body.scope, dryRun: body.dryRun, ...(body.overwriteNewer ? { overwriteNewer: true } : {}) },
      }),
    onSuccess: ({ restoreId: id }, body) => {
      if (body.dryRun) {
        setDryRun({ id, key: JSON.stringify([body.setId, body.scope]) });
        setRestoreId(null);
      } else setRestoreId(id);
    },
  });

  if (restorable.length === 0) {
    return (
      <section className="card stack" aria-labelledby="restore-h" data-testid="restore-panel">
        <h2 id="restore-h" style={{ margin: 0 }}>Restore</h2>
        <p className="muted" style={{ margin: 0 }}>No set can be restored yet: a set must be completed and verified first.</p>
      </section>
    );
  }

  const update = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setProblem(null);
    setOverwriteNewer(false);
  };
  const submit = (mode: "dry" | "restore") => (e?: FormEvent) => {
    e?.preventDefault();
    if ("problem" in parsed) return setProblem(parsed.problem);
    if (mode === "restore" && parsed.scope === "all" && confirmAll.trim().toLowerCase() !== CONFIRM_ALL) return setProblem(`Type "${CONFIRM_ALL}" to confirm.`);
    start.mutate({ setId: chosen.id, scope: parsed.scope, dryRun: mode === "dry", overwriteNewer: mode === "restore" && overwriteNewer });
  };
  const field = (label: string, name: "cameraId" | "siteId" | "eventId", placeholder: string) => (
    <div className="field">
      <label htmlFor={`${ids.scope}-${name}`}>{label}</label>
      <input id={`${ids.scope}-${name}`} className="input" value={draft[name]} placeholder={placeholder} onChange={(e) => update({ [name]: e.target.value })}
        aria-invalid={problem ? true : undefined} aria-describedby={problem ? ids.problem : undefined} data-testid={`restore-${name}`} />
    </div>
  );

  return (
    <section className="card stack" aria-labelledby="restore-h" data-testid="restore-panel">
      <div>
        <h2 id="restore-h" style={{ marginBottom: 4 }}>Restore</h2>
        <p className="field-hint" style={{ margin: 0 }}>
          Run the dry run first: it lists what would come back, what would be skipped and why. A file changed after the set was taken is never overwritten unless you say so.
          Everything restores into an empty database and an empty bucket (the disaster case).
        </p>
      </div>
      <form className="stack" onSubmit={submit("dry")} aria-label="Restore from a backup">
        <div className="field">
          <label htmlFor={ids.set}>Set</label>
          <select id={ids.set} className="select" value={chosen.id} onChange={(e) => { setSetId(e.target.value); setOverwriteNewer(false); }} data-testid="restore-set">
            {restorable.map((s) => <option key={s.id} value={s.id}>{setLabel(s)}</option>)}
          </select>
        </div>
        <fieldset className="restore-scopes">
          <legend className="label">What to restore</legend>
          <div className="row">
            {SCOPES.map((s) => (
              <label key={s.kind} className="restore-scope">
                <input type="radio" name={`${ids.scope}-kind`} value={s.kind} checked={draft.kind === s.kind} onChange={() => update({ kind: s.kind })} />
                {s.label}
              </label>
            ))}
          </div>
        </fieldset>
        {draft.kind === "files" && (
          <div className="field">
            <label htmlFor={`${ids.scope}-files`}>File ids</label>
            <textarea id={`${ids.scope}-files`} className="input textarea" rows={3} value={draft.fileIds} onChange={(e) => update({ fileIds: e.target.value })}
              placeholder="One per line, or separated by commas" aria-invalid={problem ? true : undefined} aria-describedby={problem ? ids.problem : undefined} data-testid="restore-file-ids" />
            <span className="field-hint">A file comes back to its owner with its versions and variants, even after it was purged.</span>
          </div>
        )}
        {draft.kind === "camera" && field("Camera id", "cameraId", "e.g. gate-north")}
        {draft.kind === "site" && field("Site id", "siteId", "e.g. depot-3")}
        {draft.kind === "event" && field("Counting event id", "eventId", "the event's id")}
        {draft.kind === "range" && (
          <div className="form-grid form-grid-2">
            <div className="field"><label htmlFor={`${ids.scope}-from`}>Captured from</label>
              <input id={`${ids.scope}-from`} type="datetime-local" className="input" value={draft.from} onChange={(e) => update({ from: e.target.value })} /></div>
            <div className="field"><label htmlFor={`${ids.scope}-to`}>Captured until</label>
              <input id={`${ids.scope}-to`} type="datetime-local" className="input" value={draft.to} onChange={(e) => update({ to: e.target.value })} /></div>
          </div>
        )}
        {draft.kind === "all" && (
          <div className="alert alert-warning stack" style={{ gap: 8 }} data-testid="restore-all-warning">
            <strong>Everything: the whole database and every object of this set.</strong>
            <span>
              The target database and bucket must be empty: this is for recovering a lost installation, not for undoing a change (restore files, a camera or a range for that).
              On a new machine: <code>npm run restore -- --from &lt;backup store&gt; --set {chosen.id} --target-database &lt;url&gt;</code>. The dry run compares the set with what is live.
            </span>
            <div className="field">
              <label htmlFor={`${ids.scope}-confirm`}>To restore (not to dry-run), type <code>{CONFIRM_ALL}</code></label>
              <input id={`${ids.scope}-confirm`} className="input" value={confirmAll} onChange={(e) => { setConfirmAll(e.target.value); setProblem(null); }} autoComplete="off" data-testid="restore-confirm-all" />
            </div>
          </div>
        )}
        {problem && <p id={ids.problem} className="field-hint" role="alert" style={{ color: "var(--danger)", margin: 0 }}>{problem}</p>}
        {newer > 0 && (
          <label className="check-label">
            <input type="checkbox" checked={overwriteNewer} onChange={(e) => setOverwriteNewer(e.target.checked)} data-testid="restore-overwrite-newer" />
            <span>Overwrite the {newer === 1 ? "file" : `${newer} files`} changed after the set was taken (the dry run marks {newer === 1 ? "it" : "them"} newer)</span>
          </label>
        )}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={start.isPending} data-testid="restore-dry-run">
            {start.isPending && start.variables?.dryRun ? "Starting…" : "Dry run"}
          </button>
          <button type="button" className="btn btn-danger" onClick={submit("restore")} disabled={!dryDone || start.isPending} data-testid="restore-run"
            aria-describedby={!dryDone ? `${ids.scope}-why` : undefined}>
            {start.isPending && !start.variables?.dryRun ? "Starting…" : "Restore"}
          </button>
          {!dryDone && <span id={`${ids.scope}-why`} className="field-hint">Restore is enabled once a dry run of this set and scope has completed.</span>}
        </div>
        {start.isError && <Alert>Could not start: {start.error.message}</Alert>}
      </form>
      {dryRun && <RestoreJob key={dryRun.id} id={dryRun.id} />}
      {restoreId && <RestoreJob key={restoreId} id={restoreId} />}
    </section>
  );
}
