"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { apiFetch } from "@/components/ui/api";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Alert, EmptyState, Spinner } from "@/components/ui/feedback";
import { revokeApiKeyAction } from "@/lib/api-keys/actions";
import type { PublicApiKey } from "@/lib/api-keys/manage";

const SCOPE_LABELS: Record<string, string> = {
  "files:read": "Read files",
  "files:write": "Upload files",
  "files:delete": "Delete files",
  "audit:read": "Read audit log",
  "backup:read": "Read backup status",
  admin: "Administer",
};

function NewKeySecret({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="alert alert-success stack" role="status">
      <strong>Copy this key now. It will not be shown again.</strong>
      <code className="mono" data-testid="new-key-secret" style={{ wordBreak: "break-all" }}>{secret}</code>
      <div className="row">
        <button className="btn btn-sm" onClick={() => navigator.clipboard.writeText(secret).then(() => setCopied(true))}>{copied ? "Copied" : "Copy"}</button>
        <button className="btn btn-sm" onClick={onDone}>Done</button>
      </div>
    </div>
  );
}

function CreateKeyForm({ scopes, onCreated }: { scopes: string[]; onCreated: (secret: string) => void }) {
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => apiFetch<PublicApiKey & { secret: string }>("/api/v1/api-keys", { method: "POST", json: body }),
    onSuccess: (key) => {
      onCreated(key.secret);
      void queryClient.invalidateQueries({ queryKey: ["api-keys"] });
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const expires = String(form.get("expiresAt") ?? "");
    create.mutate({
      name: form.get("name"),
      scopes: form.getAll("scopes"),
      cameraId: String(form.get("cameraId") ?? "").trim() || undefined,
      expiresAt: expires ? new Date(expires).toISOString() : undefined,
    });
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="new-key-h">
      <h2 id="new-key-h" style={{ margin: 0 }}>Create a key</h2>
      {create.isError && <Alert>{create.error.message}</Alert>}
      <div className="form-grid form-grid-3">
        <div className="field"><label htmlFor="k-name">Name</label><input id="k-name" name="name" className="input" required placeholder="e.g. entrance edge box" /></div>
        <div className="field"><label htmlFor="k-camera">Limit to camera (optional)</label><input id="k-camera" name="cameraId" className="input" placeholder="camera id" /></div>
        <div className="field"><label htmlFor="k-expires">Expires (optional)</label><input id="k-expires" name="expiresAt" type="datetime-local" className="input" /></div>
      </div>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="label" style={{ marginBottom: 6 }}>Scopes</legend>
        <div className="row">
          {scopes.map((s) => (
            <label key={s} className="tag" style={{ display: "inline-flex", gap: 6, alignItems: "center", padding: "4px 10px" }}>
              <input type="checkbox" name="scopes" value={s} defaultChecked={s === "files:read"} /> {SCOPE_LABELS[s] ?? s}
            </label>
          ))}
        </div>
      </fieldset>
      <div><button className="btn btn-primary" type="submit" disabled={create.isPending}>{create.isPending ? "Creating…" : "Create key"}</button></div>
    </form>
  );
}

export function ApiKeysManager({ grantableScopes, showOwner }: { grantableScopes: string[]; showOwner: boolean }) {
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => apiFetch<{ apiKeys: PublicApiKey[] }>("/api/v1/api-keys") });
  const revoke = useMutation({
    mutationFn: async (id: string) => {
      const result = await revokeApiKeyAction(id);
      if (!result.ok) throw new Error(result.error.message);
      return result.data;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["api-keys"] }),
  });
  const columns: Column<PublicApiKey>[] = [
    { header: "Key", width: showOwner ? "17%" : "22%", primary: true, cell: (k) => <><div style={{ fontWeight: 600 }}>{k.name}</div><code className="mono muted">{k.prefix}…</code></> },
    ...(showOwner ? [{ header: "Owner", width: "18%", cell: (k: PublicApiKey) => <span className="muted">{k.ownerEmail}</span> }] : []),
    { header: "Scopes", width: "18%", cell: (k) => k.scopes.map((sc) => <span key={sc} className="tag">{sc}</span>) },
    { header: "Limits", width: "14%", cell: (k) => <span className="muted">{k.cameraId ? `camera ${k.cameraId}` : "—"}{k.expiresAt ? ` · until ${new Date(k.expiresAt).toLocaleDateString()}` : ""}</span> },
    { header: "Last used", width: "13%", cell: (k) => <span className="muted">{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "Never"}</span> },
    {
      header: "Status", width: "10%",
      cell: (k) => (k.revokedAt ? <span className="badge badge-failed">Revoked</span> : k.expiresAt !== null && new Date(k.expiresAt) <= new Date() ? <span className="badge badge-failed">Expired</span> : <span className="badge badge-ready">Active</span>),
    },
    {
      header: "Actions", width: "10%", hideHeader: true, align: "end",
      cell: (k) => !k.revokedAt && <button className="btn btn-sm btn-danger" disabled={revoke.isPending} onClick={() => confirm(`Revoke "${k.name}"? Systems using it stop working at once.`) && revoke.mutate(k.id)}>Revoke</button>,
    },
  ];
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>API keys</h1>
          <p>For cameras, edge boxes and other systems: send as <code>Authorization: Bearer &lt;key&gt;</code>.</p>
        </div>
      </div>
      {secret ? <NewKeySecret secret={secret} onDone={() => setSecret(null)} /> : <CreateKeyForm scopes={grantableScopes} onCreated={setSecret} />}
      {revoke.isError && <Alert>Could not revoke: {revoke.error.message}</Alert>}
      {keys.isPending ? (
        <div className="row"><Spinner /> <span className="muted">Loading keys…</span></div>
      ) : keys.isError ? (
        <Alert>Could not load keys: {keys.error.message}</Alert>
      ) : keys.data.apiKeys.length === 0 ? (
        <EmptyState title="No API keys yet">Create one for each camera or system, with only the scopes it needs.</EmptyState>
      ) : (
        <DataTable caption="API keys" columns={columns} rows={keys.data.apiKeys} rowKey={(k) => k.id} rowProps={() => ({ "data-testid": "api-key-row" })} />
      )}
    </div>
  );
}
